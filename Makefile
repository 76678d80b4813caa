# spawn - the two commands a new user needs are `make demo` and `make test`.
BUILD ?= build
TYPE ?= Release
JOBS ?= $(shell nproc)
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

.PHONY: all build configure test demo bench fuzz clean bootstrap test-asan

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) $(LAUNCHER)

configure: $(BUILD)/CMakeCache.txt

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
	rm -rf $(BUILD) build-asan build-fuzz
