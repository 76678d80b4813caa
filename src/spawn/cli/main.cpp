// spawn: wiring only. Each command lives in its own file under cli/.
#include "spawn/cli/app.hpp"

int main(int argc, char** argv) { return spawn::cli::run(argc, argv); }
