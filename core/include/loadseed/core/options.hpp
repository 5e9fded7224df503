// Plugin options: parsing --opt NAME.KEY=VALUE and checking the values against
// the option table each plugin declares.
#pragma once

#include <loadseed/core/plugin_loader.hpp>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadseed::core {

class OptionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Values given on the command line, by plugin name, then option name.
using OptionAssignments = std::map<std::string, std::map<std::string, std::string>>;

// Parses each "PLUGIN.KEY=VALUE"; throws OptionError on a malformed one.
OptionAssignments parse_option_assignments(const std::vector<std::string>& items);

// One plugin's options after resolution: given value, else its environment
// variable, else its default; unset options have no entry.
class OptionValues {
public:
    const std::string* find(const std::string& name) const;
    void set(const std::string& name, std::string value, bool secret);
    bool is_secret(const std::string& name) const { return secrets_.count(name) > 0; }
    // The value as it may be printed: secrets become "****".
    std::string printable(const std::string& name) const;
    const std::map<std::string, std::string>& all() const { return values_; }

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> secrets_;
};

// Resolves and validates `given` against the plugin's option table. Throws
// OptionError naming the plugin, the option and the fix: an unknown option, a
// value of the wrong type, or a required option left unset.
OptionValues resolve_options(const Plugin& plugin, const std::map<std::string, std::string>& given);

// Checks that every plugin named in `assignments` is among `selected`; a
// misspelt or unselected plugin name would otherwise be silently ignored.
void check_assignment_targets(const OptionAssignments& assignments,
                              const std::vector<std::string>& selected);

}  // namespace loadseed::core
