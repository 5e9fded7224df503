#include "process.hpp"

#include <catch2/catch.hpp>

using namespace postgres_test;

TEST_CASE("schema apply creates every table") {
    TestDatabase db("lt_schema_creates");
    CHECK(db.scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == "8");
    CHECK(db.scalar("SELECT count(*) FROM pg_constraint WHERE contype = 'f'") == "10");
    CHECK(db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'") == "38");
}

TEST_CASE("schema apply rejects a database with tables") {
    TestDatabase db("lt_schema_twice");
    Result second = run_loadseed({"schema", "apply"}, db.url());
    CHECK(second.status == 3);
    CHECK(second.err.find("\"Organization\" already exists in database lt_schema_twice") != std::string::npos);
    CHECK(lines_of(second.err).size() == 1);
}

TEST_CASE("schema apply masks the password") {
    TestDatabase db("lt_schema_masked", false);
    std::string wrong = db.url();
    wrong.replace(wrong.find(':', wrong.find("://") + 3) + 1, wrong.find('@') - wrong.find(':', wrong.find("://") + 3) - 1,
                  "wrong-password-456");
    Result result = run_loadseed({"schema", "apply"}, wrong);
    INFO(result.err);
    CHECK(result.status != 0);
    CHECK(result.err.find("wrong-password-456") == std::string::npos);
    CHECK(result.err.find(":***@") != std::string::npos);
    CHECK(lines_of(result.err).size() == 1);
}
