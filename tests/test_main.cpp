// One Catch2 main, built once and shared by every test executable. The test process owns
// oneTBB's parallelism like dagrun and skillgap-api do (dag::Parallelism), generously: tests
// run many small pipelines, batch and request, in one process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "engine/parallelism.hpp"

int main(int argc, char** argv) {
  dag::Parallelism parallelism(256);
  return Catch::Session().run(argc, argv);
}
