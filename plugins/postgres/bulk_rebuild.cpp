#include "bulk_rebuild.hpp"

#include <algorithm>

namespace postgres_sink {

namespace {

// The indexes of `table` a rebuild drops and recreates, as a FROM clause with
// pg_index i. An index that any constraint uses (conindid) cannot be dropped
// on its own, and an invalid one would come back valid.
std::string rebuilt_indexes(const std::string& table) {
    return "pg_index i WHERE i.indrelid = '" + table + "'::regclass AND i.indisvalid AND i.indisready "
           "AND i.indislive AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)";
}

std::string rebuilt_foreign_keys(const std::string& table) {
    return "pg_constraint c WHERE c.conrelid = '" + table + "'::regclass AND c.contype = 'f'";
}

}  // namespace

std::string lock_table_statement(const std::string& table) {
    return "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE";
}

// The server quotes the names (format's %I and the regclass output), so a
// name needing quotes comes back as it must be written.
std::string rebuild_query(const std::string& table) {
    return "SELECT 'f', c.confrelid::regclass::text, "
           "format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname), "
           "format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, "
           "pg_get_constraintdef(c.oid)), c.conname::text "
           "FROM " + rebuilt_foreign_keys(table) +
           " UNION ALL "
           "SELECT 'i', '', format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid), "
           "i.indexrelid::regclass::text "
           "FROM " + rebuilt_indexes(table) +
           " ORDER BY 1, 5";
}

BulkRebuild bulk_rebuild(const std::vector<std::vector<std::string>>& rows) {
    BulkRebuild rebuild;
    std::vector<std::string> referenced;
    std::vector<std::string> add_foreign_keys;
    for (const auto& row : rows) {
        const std::string& kind = row.at(0);
        rebuild.drop.push_back(row.at(2));
        if (kind == "f") {
            referenced.push_back(row.at(1));
            add_foreign_keys.push_back(row.at(3));
        } else {
            rebuild.recreate.push_back(row.at(3));
        }
    }
    // Indexes first, so validating a foreign key may use them.
    rebuild.recreate.insert(rebuild.recreate.end(), add_foreign_keys.begin(), add_foreign_keys.end());

    std::sort(referenced.begin(), referenced.end());
    referenced.erase(std::unique(referenced.begin(), referenced.end()), referenced.end());
    for (const std::string& name : referenced)
        rebuild.lock_referenced += (rebuild.lock_referenced.empty() ? "" : ", ") + name;
    if (!rebuild.lock_referenced.empty()) rebuild.lock_referenced = lock_table_statement(rebuild.lock_referenced);
    return rebuild;
}

std::string eligibility_query(const std::string& table) {
    const std::string oid = "'" + table + "'::regclass";
    return "SELECT CASE "
           "WHEN NOT pg_has_role(t.relowner, 'USAGE') THEN format('role %I does not own table %s (its owner is %I)', "
           "current_user, t.oid::regclass, pg_get_userbyid(t.relowner)) "
           "WHEN t.relkind <> 'r' THEN format('table %s is partitioned', t.oid::regclass) "
           "WHEN EXISTS (SELECT 1 FROM " + rebuilt_foreign_keys(table) +
           " AND NOT (has_table_privilege(c.confrelid, 'REFERENCES') "
           "AND has_table_privilege(c.confrelid, 'UPDATE, DELETE, TRUNCATE'))) "
           "THEN format('role %I lacks REFERENCES or UPDATE on a table that %s references', current_user, "
           "t.oid::regclass) "
           "WHEN EXISTS (SELECT 1 FROM " + rebuilt_foreign_keys(table) +
           " AND obj_description(c.oid, 'pg_constraint') IS NOT NULL) "
           "THEN format('a foreign key of %s has a comment, which a rebuild would drop', t.oid::regclass) "
           "WHEN EXISTS (SELECT 1 FROM " + rebuilt_indexes(table) +
           " AND (obj_description(i.indexrelid, 'pg_class') IS NOT NULL OR i.indisclustered OR i.indisreplident "
           "OR (SELECT reltablespace FROM pg_class x WHERE x.oid = i.indexrelid) <> 0 "
           "OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0))) "
           "THEN format('an index of %s has a comment, a tablespace, a statistics target, a CLUSTER mark or a "
           "replica identity, which a rebuild would drop', t.oid::regclass) "
           "ELSE '' END "
           "FROM pg_class t WHERE t.oid = " + oid;
}

}  // namespace postgres_sink
