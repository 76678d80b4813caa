#pragma once
// The spawn command line: parses argv, runs one command, returns the exit status
// (0 success, 2 bad usage, 1 anything else).
namespace spawn::cli {
int run(int argc, char** argv);
}
