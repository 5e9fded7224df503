#include <loadseed/core/plugin_loader.hpp>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <boost/filesystem.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <sstream>

// Plugins linked into the host; each defines its entry under its own name.
extern "C" const ls_plugin* loadseed_file_dump_entry(void);

namespace loadseed::core {

namespace fs = boost::filesystem;

namespace {

std::string version_string(uint32_t major, uint32_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

bool valid_plugin_name(const char* name) {
    if (!name || !*name) return false;
    for (const char* c = name; *c; ++c)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) return false;
    return true;
}

std::string check_sink_table(const ls_sink_vtable* table) {
    if (!table) return "declares itself a sink but has no sink function table";
    if (table->struct_size < offsetof(ls_sink_vtable, audit))
        return "its sink function table is shorter than ABI 1.0 requires";
    if (!table->open || !table->prepare || !table->begin_stage || !table->write_batch ||
        !table->end_stage || !table->finish || !table->abandon || !table->close || !table->last_error)
        return "its sink function table lacks a required function";
    return "";
}

std::string check_generator_table(const ls_generator_vtable* table) {
    if (!table) return "declares itself a generator but has no generator function table";
    if (table->struct_size < sizeof(ls_generator_vtable))
        return "its generator function table is shorter than ABI 1.0 requires";
    if (!table->open || !table->generate || !table->close || !table->last_error)
        return "its generator function table lacks a required function";
    return "";
}

}  // namespace

const ls_option_spec& Plugin::option(size_t i) const {
    auto* base = reinterpret_cast<const unsigned char*>(descriptor->options);
    return *reinterpret_cast<const ls_option_spec*>(base + i * descriptor->option_spec_size);
}

const Plugin* PluginSet::find(const std::string& name) const {
    for (const Plugin& plugin : plugins)
        if (plugin.name() == name) return &plugin;
    return nullptr;
}

std::string check_descriptor(const ls_plugin* d) {
    if (!d) return "its entry function returned no descriptor";
    if (d->struct_size < offsetof(ls_plugin, abi_minor) + sizeof(d->abi_minor))
        return "its descriptor is too small to carry an ABI version";
    if (d->abi_major != LOADSEED_ABI_MAJOR)
        return "built for plugin ABI " + version_string(d->abi_major, d->abi_minor) +
               ", but this host speaks ABI " + version_string(LOADSEED_ABI_MAJOR, LOADSEED_ABI_MINOR) +
               "; rebuild the plugin against this loadseed's SDK";
    if (d->struct_size < sizeof(ls_plugin))
        return "its descriptor is shorter than ABI " + version_string(d->abi_major, 0) + " requires";
    if (!valid_plugin_name(d->name)) return "its name is missing or not lowercase [a-z0-9-]";
    if (!d->version || !d->description) return "its version or description is missing";
    if (d->option_count > 0) {
        if (!d->options) return "it declares options but gives no option table";
        if (d->option_spec_size < sizeof(ls_option_spec)) return "its option table entries are too small";
    }
    switch (d->kind) {
    case LS_PLUGIN_SINK:
        return check_sink_table(d->sink);
    case LS_PLUGIN_GENERATOR:
        return check_generator_table(d->generator);
    default:
        return "its kind " + std::to_string(d->kind) + " is neither sink nor generator";
    }
}

bool load_plugin_file(const std::string& path, Plugin& plugin, std::string& reason) {
    // dlopen's own message for a file that is not ELF at all is misleading
    // ("Bad file descriptor"), so the magic number is checked first.
    char magic[4] = {};
    if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
        size_t read = std::fread(magic, 1, sizeof magic, file);
        std::fclose(file);
        if (read != sizeof magic || std::memcmp(magic, "\x7f" "ELF", 4) != 0) {
            reason = "not a shared library (no ELF header)";
            return false;
        }
    }
    auto library = std::make_shared<boost::dll::shared_library>();
    boost::dll::fs::error_code error;
    // rtld_local keeps each plugin's symbols to itself, so two plugins may link
    // different versions of one library.
    library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
    if (error) {
        reason = "not a loadable shared library (" + error.message() + ")";
        return false;
    }
    if (!library->has(LOADSEED_ENTRY_SYMBOL)) {
        reason = std::string("has no '") + LOADSEED_ENTRY_SYMBOL +
                 "' symbol; a plugin defines it with LOADSEED_SINK_PLUGIN or LOADSEED_GENERATOR_PLUGIN";
        return false;
    }
    auto entry = library->get<const ls_plugin*()>(LOADSEED_ENTRY_SYMBOL);
    const ls_plugin* descriptor = nullptr;
    try {
        descriptor = entry();
    } catch (...) {
        reason = "its entry function threw an exception";
        return false;
    }
    reason = check_descriptor(descriptor);
    if (!reason.empty()) return false;

    plugin.descriptor = descriptor;
    plugin.path = path;
    plugin.library = std::move(library);
    return true;
}

std::vector<std::string> plugin_search_path(const std::vector<std::string>& plugin_dirs) {
    std::vector<std::string> path = plugin_dirs;
    if (const char* env = std::getenv("LOADSEED_PLUGIN_PATH")) {
        std::stringstream entries(env);
        std::string entry;
        while (std::getline(entries, entry, ':'))
            if (!entry.empty()) path.push_back(entry);
    }
    boost::dll::fs::error_code error;
    fs::path exe = boost::dll::program_location(error);
    if (!error) path.push_back((exe.parent_path().parent_path() / LOADSEED_PLUGIN_SUBDIR).string());
    return path;
}

PluginSet discover_plugins(const std::vector<std::string>& search_path) {
    PluginSet set;

    for (auto entry : {&loadseed_file_dump_entry}) {
        Plugin plugin;
        plugin.descriptor = entry();
        plugin.path = "(built in)";
        set.plugins.push_back(plugin);
    }

    std::vector<std::string> seen_folders;
    for (const std::string& folder : search_path) {
        boost::system::error_code error;
        fs::path canonical = fs::canonical(folder, error);
        if (error || !fs::is_directory(canonical)) continue;
        if (std::find(seen_folders.begin(), seen_folders.end(), canonical.string()) != seen_folders.end())
            continue;
        seen_folders.push_back(canonical.string());

        std::vector<fs::path> files;
        for (const auto& item : fs::directory_iterator(canonical, error))
            if (item.path().extension() == ".so") files.push_back(item.path());
        std::sort(files.begin(), files.end());

        for (const fs::path& file : files) {
            Plugin plugin;
            std::string reason;
            if (!load_plugin_file(file.string(), plugin, reason)) {
                set.rejections.push_back({file.string(), reason});
                continue;
            }
            if (const Plugin* taken = set.find(plugin.name())) {
                set.rejections.push_back({file.string(), "its name '" + plugin.name() +
                                                             "' is already taken by " + taken->path});
                continue;
            }
            set.plugins.push_back(std::move(plugin));
        }
    }
    return set;
}

}  // namespace loadseed::core
