// spored: wiring only (agent/app.cpp).
#include "spawn/agent/app.hpp"

int main(int argc, char** argv) { return spawn::agent::run_spored(argc, argv); }
