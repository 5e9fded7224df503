// The SQL of a bulk rebuild: a table's foreign keys and secondary indexes are
// dropped before a large COPY and recreated after it, all in the COPY's own
// transaction. One CREATE INDEX sorts all rows at once, and one ADD CONSTRAINT
// validates all rows with one query, where a COPY into the full table updates
// every index and fires one foreign-key trigger per row and key.
//
// PostgreSQL DDL is transactional, so other sessions never see the table
// without its indexes or keys, and a crash or kill at any step rolls back the
// drops with the rows. The statements recreate each index and key under its
// own name from pg_get_indexdef and pg_get_constraintdef, so the schema after
// the load has the same definitions as before.
//
// Lock: the transaction holds ACCESS EXCLUSIVE on the table and on every table
// its foreign keys reference (for "TapLog": "Band", "Event", "EventWindow")
// until it commits, because dropping a foreign key locks both of its tables
// that way (PostgreSQL 15). No other session reads or writes them meanwhile.
#pragma once

#include <string>
#include <vector>

namespace postgres_sink {

// The statements a bulk rebuild runs around the COPY, in this order.
struct BulkRebuild {
    // LOCK TABLE for the referenced tables, taken after the table itself.
    std::string lock_referenced;
    // DROP statements: foreign keys, then indexes.
    std::vector<std::string> drop;
    // CREATE INDEX, then ALTER TABLE ... ADD CONSTRAINT, with the captured
    // names and definitions.
    std::vector<std::string> recreate;
};

// Returns LOCK TABLE `table` IN ACCESS EXCLUSIVE MODE. `table` is an SQL
// identifier, quoted as needed, e.g. "TapLog" with its double quotes.
std::string lock_table_statement(const std::string& table);

// Returns a query with one row per foreign key and per secondary index of
// `table` that a bulk rebuild drops and recreates: kind ('f' or 'i'), the
// referenced table of a foreign key, the DROP and the CREATE statement.
// Indexes behind a constraint (the primary key, unique constraints, any
// index a foreign key relies on) and invalid indexes stay in place.
std::string rebuild_query(const std::string& table);

// Builds the statements from the rows of rebuild_query, as text. The
// referenced tables are locked in name order, so two such loads lock in the
// same order.
BulkRebuild bulk_rebuild(const std::vector<std::vector<std::string>>& rows);

// Returns a query with one text column: empty when the current role may run a
// bulk rebuild of `table` and the rebuild recreates everything it drops,
// otherwise the reason it cannot. A rebuild needs the role to own `table`,
// and to hold REFERENCES and one of UPDATE, DELETE or TRUNCATE (for LOCK
// TABLE) on each referenced table. It is not used when an index or key to
// recreate carries something pg_get_indexdef and pg_get_constraintdef leave
// out: a comment, a tablespace, a CLUSTER mark or a replica identity.
std::string eligibility_query(const std::string& table);

}  // namespace postgres_sink
