// spored: wiring only.
#include <cstdio>

int main() {
  std::fputs("spored: not built yet\n", stderr);
  return 1;
}
