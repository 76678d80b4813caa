#pragma once
namespace spawn::agent {
// spored's version, the same as spawn's.
const char* version();
}
