#include <gtest/gtest.h>

#include "flash/codegen/generator.hpp"

using namespace flash::codegen;

TEST(Names, GoInitialisms) {
  EXPECT_EQ(go_name("get_user_by_id"), "GetUserByID");
  EXPECT_EQ(go_name("GetUserByEmail"), "GetUserByEmail");
  EXPECT_EQ(go_name("user_id"), "UserID");
  EXPECT_EQ(go_name("api_url"), "APIURL");
  EXPECT_EQ(go_name("userID"), "UserID");
  EXPECT_EQ(go_name("uuid"), "UUID");
  EXPECT_EQ(go_name("ListUsersByIDs"), "ListUsersByIDs");
  EXPECT_EQ(go_name("user_ids"), "UserIDs");
  EXPECT_EQ(camel_name("ListUsersByIDs"), "listUsersByIds");
  EXPECT_EQ(go_name("2fa_code"), "X2faCode");
  EXPECT_EQ(go_name("!!!nobody,,WouldBelieveThis?!"), "NobodyWouldBelieveThis");
  EXPECT_EQ(go_name("Op!en"), "OpEn");
  EXPECT_EQ(go_name("@"), "");
}

TEST(Names, CamelPascalSnake) {
  EXPECT_EQ(camel_name("GetUserByEmail"), "getUserByEmail");
  EXPECT_EQ(camel_name("user_id"), "userId");
  EXPECT_EQ(pascal_name("user_id"), "UserId");
  EXPECT_EQ(snake_name("GetUserByEmail"), "get_user_by_email");
  EXPECT_EQ(snake_name("getUserByID"), "get_user_by_id");
  EXPECT_EQ(snake_name("IDForName"), "id_for_name");
  EXPECT_EQ(snake_name("ListUsersByIDs"), "list_users_by_ids");
  EXPECT_EQ(snake_name("IDs"), "ids");
  EXPECT_EQ(snake_name("UserIDsSorted"), "user_ids_sorted");
}

TEST(Names, Singular) {
  EXPECT_EQ(singular("users"), "user");
  EXPECT_EQ(singular("categories"), "category");
  EXPECT_EQ(singular("addresses"), "address");
  EXPECT_EQ(singular("status"), "status");
  EXPECT_EQ(singular("boxes"), "box");
  EXPECT_EQ(singular("staff"), "staff");
}
