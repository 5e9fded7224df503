# Writes SCHEMA_SQL (a .sql file) into OUTPUT as a C++ header that defines
# loadseed::core::app_schema_sql, so `loadseed schema apply` carries the DDL it
# was built with and never reads the source tree at run time.
file(READ "${SCHEMA_SQL}" sql)
string(FIND "${sql}" ")loadseed_sql\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${SCHEMA_SQL} contains the raw string delimiter )loadseed_sql\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${SCHEMA_SQL} by core/cmake/embed_schema.cmake; do not edit.\n"
  "#pragma once\n\n"
  "namespace loadseed::core {\n\n"
  "inline constexpr const char* app_schema_sql = R\"loadseed_sql(${sql})loadseed_sql\";\n\n"
  "}  // namespace loadseed::core\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
