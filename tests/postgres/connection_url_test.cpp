#include "database_error.hpp"

#include <loadseed/connection_url.hpp>

#include <catch2/catch.hpp>

using loadseed::mask_connection_url;
using loadseed::redact_connection_secrets;

TEST_CASE("mask hides the password of a URL") {
    CHECK(mask_connection_url("postgresql://loadseed:s3cret@127.0.0.1:5432/loadtest") ==
          "postgresql://loadseed:***@127.0.0.1:5432/loadtest");
    CHECK(mask_connection_url("postgres://u:p%40ss@db.internal/app?sslmode=require") ==
          "postgres://u:***@db.internal/app?sslmode=require");
}

TEST_CASE("mask hides a password query parameter") {
    CHECK(mask_connection_url("postgresql://u@host/db?sslmode=disable&password=hunter22&application_name=x") ==
          "postgresql://u@host/db?sslmode=disable&password=***&application_name=x");
}

TEST_CASE("mask keeps a URL without password") {
    CHECK(mask_connection_url("postgresql://loadseed@127.0.0.1/loadtest") == "postgresql://loadseed@127.0.0.1/loadtest");
    CHECK(mask_connection_url("postgresql:///loadtest") == "postgresql:///loadtest");
    CHECK(mask_connection_url("") == "");
}

TEST_CASE("mask hides keyword passwords") {
    CHECK(mask_connection_url("host=127.0.0.1 password=hunter22 dbname=loadtest") ==
          "host=127.0.0.1 password=*** dbname=loadtest");
    CHECK(mask_connection_url(R"(host=h password = 'it\'s here' user=u)") == "host=h password = *** user=u");
}

TEST_CASE("redaction removes decoded passwords") {
    const std::string url = "postgresql://u:p%40ssw0rd@127.0.0.1/db";
    std::string message = redact_connection_secrets("bad URI \"" + url + "\" with password p@ssw0rd", url);
    CHECK(message == "bad URI \"postgresql://u:***@127.0.0.1/db\" with password ***");
}

TEST_CASE("connection errors are one masked line") {
    postgres_sink::ConnectionUrl url("postgresql://loadseed:hunter22@127.0.0.1:1/loadtest");
    loadseed::Error error = postgres_sink::connection_error(
        url, "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs the server running?\n");
    std::string message = error.what();
    CHECK(error.status() == LS_UNAVAILABLE);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find("hunter22") == std::string::npos);
    CHECK(message.find("postgresql://loadseed:***@127.0.0.1:1/loadtest") != std::string::npos);
}

TEST_CASE("SQLSTATE classes map to statuses") {
    CHECK(postgres_sink::status_of_sqlstate("28P01") == LS_UNAUTHORIZED);
    CHECK(postgres_sink::status_of_sqlstate("08006") == LS_UNAVAILABLE);
    CHECK(postgres_sink::status_of_sqlstate("23505") == LS_REFUSED);
    CHECK(postgres_sink::status_of_sqlstate("42P01") == LS_INVALID_ARGUMENT);
    CHECK(postgres_sink::status_of_sqlstate("22P02") == LS_ERROR);
}
