#pragma once
// The MongoDB driver, built on libmongoc/libbson. Reached through connect_documents()
// (document.cpp); callers use the DocumentConnection interface only.
#include <memory>

#include "flash/config/url.hpp"
#include "flash/driver/document.hpp"

namespace flash::driver::mongodb {

// Opens a client and pings the server; throws ConnectError (message without the password) when
// that fails. Without serverSelectionTimeoutMS / connectTimeoutMS in the URL, 5 s each.
std::unique_ptr<DocumentConnection> connect(const config::DatabaseUrl& url);

// Extended JSON ⇄ BSON bytes (libbson's parser and printer), for tests and the golden command files.
std::string to_bson(const Document& doc);
Document from_bson(const std::uint8_t* data, std::size_t len, JsonMode mode = JsonMode::relaxed);

}  // namespace flash::driver::mongodb
