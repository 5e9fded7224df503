// loadseed schema apply: creates the application's tables, indexes, enum
// types and foreign keys (schema/app-schema.sql, embedded at build time) in an
// empty PostgreSQL database, for test servers that have no application to run
// its migrations.
#include "common.hpp"

#include <loadseed/connection_url.hpp>
#include <loadseed/core/app_schema.hpp>

#include <pqxx/pqxx>

#include <cstdio>
#include <cstdlib>
#include <regex>

namespace loadseed::cli {

namespace {

struct SchemaOptions {
    std::string url;
};

// A failure to reach or use the server; exits with exit_failed.
class DatabaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Returns a library message on one line: libpq ends some messages with a
// tab-indented hint line.
std::string one_line(std::string message) {
    for (char& c : message)
        if (c == '\n' || c == '\t') c = ' ';
    std::string out;
    for (char c : message)
        if (c != ' ' || (!out.empty() && out.back() != ' ')) out.push_back(c);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// Returns the names that the schema's `CREATE <kind> "Name"` statements create.
std::vector<std::string> created_names(const std::string& kind) {
    std::vector<std::string> names;
    std::regex statement("CREATE " + kind + " \"([A-Za-z0-9_]+)\"");
    std::string sql = core::app_schema_sql;
    for (std::sregex_iterator it(sql.begin(), sql.end(), statement), end; it != end; ++it)
        names.push_back((*it)[1].str());
    return names;
}

// Returns the first table or type of the schema that already exists, with
// its kind ("table" or "type"), or an empty name when there is none.
std::pair<std::string, std::string> first_existing(pqxx::connection& connection) {
    pqxx::read_transaction transaction(connection);
    for (const std::string& table : created_names("TABLE"))
        if (!transaction.exec_params1("SELECT to_regclass(quote_ident($1))", table)[0].is_null())
            return {"table", table};
    for (const std::string& type : created_names("TYPE"))
        if (!transaction.exec_params1("SELECT to_regtype(quote_ident($1))", type)[0].is_null())
            return {"type", type};
    return {};
}

int run_schema_apply(Session& session, const SchemaOptions& options) {
    if (options.url.empty())
        throw InputError("schema apply: no database given; set DATABASE_URL or pass --url postgresql://...");
    const std::string masked = mask_connection_url(options.url);

    try {
        pqxx::connection connection(options.url);
        const std::string database = connection.dbname();

        auto [kind, name] = first_existing(connection);
        if (!name.empty()) {
            session.console.log(LS_LOG_ERROR, "",
                                "schema apply: " + kind + " \"" + name + "\" already exists in database " + database +
                                    "; schema apply only creates the schema in an empty database. Use a new "
                                    "database, or seed this one directly if it already has the application's schema");
            return exit_refused;
        }

        // PostgreSQL runs DDL inside transactions, so a failure part-way
        // leaves the database as empty as it was.
        pqxx::work transaction(connection);
        transaction.exec(core::app_schema_sql);
        transaction.commit();

        session.console.log(LS_LOG_INFO, "",
                            "created " + std::to_string(created_names("TABLE").size()) + " tables and " +
                                std::to_string(created_names("TYPE").size()) + " enum types in database " + database);
        return exit_ok;
    } catch (const pqxx::broken_connection& error) {
        const std::string reason = one_line(error.what());
        const bool login = reason.find("authentication failed") != std::string::npos;
        throw DatabaseError(redact_connection_secrets(
            "schema apply: cannot connect to " + masked + ": " + reason +
                (login ? "; check the user name and password in DATABASE_URL or --url"
                       : "; check that the server runs and that DATABASE_URL or --url names it"),
            options.url));
    } catch (const pqxx::sql_error& error) {
        throw DatabaseError(redact_connection_secrets(
            "schema apply: failed on " + masked + ": " + one_line(error.what()) + "; nothing was created", options.url));
    }
}

}  // namespace

void add_schema_command(CLI::App& app, std::function<int(Session&)>& run) {
    CLI::App* schema = app.add_subcommand("schema", "Manage the application's database schema on a test server");
    schema->require_subcommand(1);

    auto options = std::make_shared<SchemaOptions>();
    CLI::App* apply = schema->add_subcommand(
        "apply",
        "Create the application's tables, indexes and foreign keys in an empty PostgreSQL database. Fails, changing "
        "nothing, when any of its tables or types already exist.");
    apply->add_option("--url", options->url,
                      "PostgreSQL connection URL, e.g. postgresql://user:password@127.0.0.1:5432/loadtest")
        ->envname("DATABASE_URL");
    apply->callback([&run, options] { run = [options](Session& session) { return run_schema_apply(session, *options); }; });
}

}  // namespace loadseed::cli
