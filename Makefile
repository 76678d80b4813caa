# spawn - the two commands a new user needs are `make demo` and `make test`.
BUILD ?= build
TYPE ?= Release
JOBS ?= $(shell nproc)
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

.PHONY: all build configure test demo bench fuzz clean bootstrap test-asan test-tsan

all: bootstrap
	$(MAKE) build

bootstrap:
	@scripts/bootstrap

# The generated Makefile, not CMakeCache.txt, marks a finished configure: a configure that
# failed (a missing package before bootstrap) leaves a cache behind and must run again.
$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) $(LAUNCHER)

configure: $(BUILD)/Makefile

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: bootstrap
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: bootstrap
	$(MAKE) build
	tools/demo

test-asan: bootstrap
	$(MAKE) build BUILD=build-asan TYPE=Debug LAUNCHER="$(LAUNCHER) -DSPAWN_SANITIZE=ON"
	cd build-asan && ctest --output-on-failure -j $(JOBS) --timeout 900

# The unit tests under ThreadSanitizer (build-tsan, unit_tests only: the integration tests run
# processes whose threads the unit tests already cover). tests/tsan.supp says what is suppressed.
test-tsan: bootstrap
	$(MAKE) configure BUILD=build-tsan TYPE=Debug LAUNCHER="$(LAUNCHER) -DSPAWN_SANITIZE_THREAD=ON -DSPAWN_BUILD_BENCH=OFF"
	cmake --build build-tsan -j $(JOBS) --target unit_tests
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp $(TSAN_OPTIONS)" \
	  ctest -L unit --output-on-failure -j $(JOBS) --timeout 600

# QUICK=1 for a short run, BENCH="listing startup" for some sections (see bench/run).
bench:
	@scripts/bootstrap --bench
	$(MAKE) build
	BUILD=$(BUILD) bench/run

# libFuzzer targets, built with clang in build-fuzz; FUZZ_SECONDS (default 30) per target (see fuzz/run).
fuzz:
	@scripts/bootstrap --fuzz
	fuzz/run

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
