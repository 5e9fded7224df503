// Loading .env.NAME files, as the old seeder's --env option did.
#pragma once

#include <string>

namespace loadseed::core {

// Sets each KEY=VALUE line of `path` as an environment variable, unless the
// variable is already set (the environment wins, as with dotenv). Blank lines
// and lines starting with # are skipped; a value may be wrapped in single or
// double quotes. Throws std::runtime_error naming the file and line on a line
// that is not KEY=VALUE. Returns the number of variables set.
int load_env_file(const std::string& path);

}  // namespace loadseed::core
