#include "cli/app.hpp"

int main(int argc, char** argv) { return flash::cli::run(argc, argv); }
