// The browser test's own MongoDB client (tests/studio/browser_mongo.mjs): Flash's document driver
// (libmongoc), apart from the studio under test, to seed a database and to read back what the
// browser stored.
//   flash_test_mongo_tool URL command JSON        runs one command, prints the reply
//   flash_test_mongo_tool URL find COLL FILTER    prints the matching documents, canonical
//                                                  Extended JSON, one per line, in _id order
// Exit 0, or 1 with the error on stderr.
#include <iostream>

#include "flash/config/url.hpp"
#include "flash/driver/document.hpp"

int main(int argc, char** argv) {
  using flash::driver::Document;
  try {
    if (argc < 4) throw std::runtime_error("usage: flash_test_mongo_tool URL command JSON | find COLL FILTER");
    auto c = flash::driver::connect_documents(flash::config::parse_database_url(argv[1]));
    const std::string what = argv[2];
    if (what == "command") {
      std::cout << c->command(Document::parse(argv[3])).dump() << "\n";
    } else if (what == "find" && argc == 5) {
      flash::driver::FindOptions o;
      o.mode = flash::driver::JsonMode::canonical;
      o.sort = Document{{"_id", 1}};
      for (const auto& d : c->find(argv[3], Document::parse(argv[4]), o)) std::cout << d.dump() << "\n";
    } else {
      throw std::runtime_error("unknown request " + what);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "flash_test_mongo_tool: " << e.what() << "\n";
    return 1;
  }
}
