#pragma once
// spored from argv to exit code: parse, layer and validate the settings (a bad value exits 2 with
// one line), then `status` or the daemon wired with the real transport, clocks and signals.
namespace spawn::agent {

int run_spored(int argc, const char* const* argv);

}  // namespace spawn::agent
