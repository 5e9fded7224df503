// Finding, loading and checking plugins.
#pragma once

#include <loadseed/plugin.h>

#include <memory>
#include <string>
#include <vector>

namespace boost::dll {
class shared_library;
}

namespace loadseed::core {

// A plugin whose descriptor passed every check. The library stays loaded for
// as long as any copy of this object lives.
struct Plugin {
    const ls_plugin* descriptor = nullptr;
    std::string path;  // "(built in)" for plugins linked into the host
    std::shared_ptr<boost::dll::shared_library> library;

    std::string name() const { return descriptor->name; }
    bool is_sink() const { return descriptor->kind == LS_PLUGIN_SINK; }
    bool is_generator() const { return descriptor->kind == LS_PLUGIN_GENERATOR; }
    // The option table entry `i`, read with the plugin's own stride.
    const ls_option_spec& option(size_t i) const;
};

// A file that looked like a plugin but was rejected, with the one-line reason.
struct Rejection {
    std::string path;
    std::string reason;
};

struct PluginSet {
    std::vector<Plugin> plugins;
    std::vector<Rejection> rejections;

    // Returns the plugin called `name`, or nullptr.
    const Plugin* find(const std::string& name) const;
};

// Checks a descriptor against this host's ABI; returns "" when it is usable,
// else the reason it is not.
std::string check_descriptor(const ls_plugin* descriptor);

// Loads one plugin file; on failure returns nullopt-like empty Plugin and sets
// `reason`.
bool load_plugin_file(const std::string& path, Plugin& plugin, std::string& reason);

// The plugin folders searched, in order: each --plugin-dir, each entry of
// LOADSEED_PLUGIN_PATH (colon-separated), then the install's own plugin folder
// next to the executable (<prefix>/lib/loadseed/plugins).
std::vector<std::string> plugin_search_path(const std::vector<std::string>& plugin_dirs);

// Registers the plugins linked into the host, then loads every *.so file of
// the search path. A plugin whose name is already taken is rejected; earlier
// folders win, and built-in plugins win over files.
PluginSet discover_plugins(const std::vector<std::string>& search_path);

}  // namespace loadseed::core
