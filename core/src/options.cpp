#include <loadseed/core/options.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace loadseed::core {

namespace {

const char* type_name(ls_option_type type) {
    switch (type) {
    case LS_OPTION_INT: return "an integer";
    case LS_OPTION_DOUBLE: return "a number";
    case LS_OPTION_BOOL: return "true or false";
    default: return "a string";
    }
}

bool value_has_type(const std::string& value, ls_option_type type) {
    switch (type) {
    case LS_OPTION_INT: {
        if (value.empty()) return false;
        char* end = nullptr;
        errno = 0;
        std::strtoll(value.c_str(), &end, 10);
        return errno == 0 && *end == '\0';
    }
    case LS_OPTION_DOUBLE: {
        if (value.empty()) return false;
        char* end = nullptr;
        double parsed = std::strtod(value.c_str(), &end);
        return *end == '\0' && std::isfinite(parsed);
    }
    case LS_OPTION_BOOL:
        return value == "true" || value == "false";
    default:
        return true;
    }
}

std::string known_options(const Plugin& plugin) {
    if (plugin.descriptor->option_count == 0) return "it takes no options";
    std::string list = "its options are ";
    for (size_t i = 0; i < plugin.descriptor->option_count; ++i)
        list += (i ? ", " : "") + std::string(plugin.option(i).name);
    return list;
}

}  // namespace

OptionAssignments parse_option_assignments(const std::vector<std::string>& items) {
    OptionAssignments result;
    for (const std::string& item : items) {
        auto dot = item.find('.');
        auto equals = item.find('=');
        if (dot == std::string::npos || equals == std::string::npos || dot == 0 || dot + 1 >= equals)
            throw OptionError("invalid --opt '" + item.substr(0, equals) +
                              "...': expected PLUGIN.KEY=VALUE, e.g. --opt file-dump.out=/tmp/seed");
        result[item.substr(0, dot)][item.substr(dot + 1, equals - dot - 1)] = item.substr(equals + 1);
    }
    return result;
}

const std::string* OptionValues::find(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? nullptr : &it->second;
}

void OptionValues::set(const std::string& name, std::string value, bool secret) {
    values_[name] = std::move(value);
    if (secret) secrets_.insert(name);
}

std::string OptionValues::printable(const std::string& name) const {
    const std::string* value = find(name);
    if (!value) return "(unset)";
    return is_secret(name) ? "****" : *value;
}

OptionValues resolve_options(const Plugin& plugin, const std::map<std::string, std::string>& given) {
    const std::string plugin_name = plugin.name();
    for (const auto& [name, value] : given) {
        bool known = false;
        for (size_t i = 0; i < plugin.descriptor->option_count; ++i)
            known = known || name == plugin.option(i).name;
        if (!known)
            throw OptionError(plugin_name + ": unknown option '" + name + "'; " + known_options(plugin) +
                              " (see 'loadseed plugins')");
    }

    OptionValues values;
    for (size_t i = 0; i < plugin.descriptor->option_count; ++i) {
        const ls_option_spec& spec = plugin.option(i);
        const bool secret = spec.type == LS_OPTION_SECRET;
        std::string origin;
        const std::string* value = nullptr;
        std::string env_value;

        if (auto it = given.find(spec.name); it != given.end()) {
            value = &it->second;
            origin = "--opt " + plugin_name + "." + spec.name;
        } else if (spec.env_var && std::getenv(spec.env_var)) {
            env_value = std::getenv(spec.env_var);
            value = &env_value;
            origin = std::string("environment variable ") + spec.env_var;
        } else if (spec.default_value) {
            env_value = spec.default_value;
            value = &env_value;
            origin = "default";
        }

        if (!value) {
            if (spec.required)
                throw OptionError(plugin_name + ": option '" + spec.name + "' is required; set it with --opt " +
                                  plugin_name + "." + spec.name + "=VALUE" +
                                  (spec.env_var ? std::string(" or ") + spec.env_var : std::string()));
            continue;
        }
        if (!value_has_type(*value, spec.type))
            throw OptionError(plugin_name + ": option '" + spec.name + "' must be " + type_name(spec.type) +
                              ", got '" + (secret ? std::string("****") : *value) + "' from " + origin);
        values.set(spec.name, *value, secret);
    }
    return values;
}

void check_assignment_targets(const OptionAssignments& assignments, const std::vector<std::string>& selected) {
    for (const auto& [plugin_name, values] : assignments) {
        bool found = false;
        for (const std::string& name : selected) found = found || name == plugin_name;
        if (!found)
            throw OptionError("--opt names plugin '" + plugin_name +
                              "', which this command does not use; select it with --sink or --generator, "
                              "or fix the name");
    }
}

}  // namespace loadseed::core
