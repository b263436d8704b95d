// flash_mongo_dump URL COLLECTION...: prints the stored documents of each collection as canonical
// Extended JSON ({"collection": [documents sorted by _id]}), read with libmongoc through Flash's
// document driver, independently of the generated clients whose writes it checks (run.sh).
#include <cstdio>
#include <iostream>

#include "flash/config/url.hpp"
#include "flash/driver/document.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: flash_mongo_dump URL COLLECTION...\n";
    return 2;
  }
  try {
    auto conn = flash::driver::connect_documents(flash::config::parse_database_url(argv[1]));
    flash::driver::Document out = flash::driver::Document::object();
    for (int i = 2; i < argc; ++i) {
      flash::driver::FindOptions o;
      o.sort = {{"_id", 1}};
      o.mode = flash::driver::JsonMode::canonical;
      out[argv[i]] = conn->find(argv[i], flash::driver::Document::object(), o);
    }
    std::cout << out.dump(1) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "flash_mongo_dump: " << e.what() << "\n";
    return 1;
  }
}
