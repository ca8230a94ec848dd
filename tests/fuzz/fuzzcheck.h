#pragma once

#include <cstdio>
#include <cstdlib>

// An invariant of the code under test. A violation is a finding like a crash:
// it aborts, and libFuzzer saves the input. (Q_ASSERT is compiled out of
// release builds, and the fuzzers must check in every build type.)
#define HERALD_FUZZ_CHECK(condition)                                                               \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
