// loadseed plugins: lists every plugin found, with its options, and every
// file that was rejected, with the reason.
#include "commands.hpp"

#include <cstdio>

namespace loadseed::cli {

namespace {

const char* type_label(ls_option_type type) {
    switch (type) {
    case LS_OPTION_INT: return "int";
    case LS_OPTION_DOUBLE: return "number";
    case LS_OPTION_BOOL: return "bool";
    case LS_OPTION_SECRET: return "secret";
    default: return "string";
    }
}

int run_plugins(Session& session) {
    for (const core::Plugin& plugin : session.plugins.plugins) {
        const ls_plugin& d = *plugin.descriptor;
        std::printf("%s (%s %s, ABI %u.%u) %s\n  %s\n", d.name, plugin.is_sink() ? "sink" : "generator", d.version,
                    d.abi_major, d.abi_minor, plugin.path.c_str(), d.description);
        for (size_t i = 0; i < d.option_count; ++i) {
            const ls_option_spec& spec = plugin.option(i);
            std::string extras;
            if (spec.default_value) extras += std::string("default: ") + spec.default_value;
            if (spec.env_var) extras += std::string(extras.empty() ? "" : ", ") + "env: " + spec.env_var;
            if (spec.required) extras += std::string(extras.empty() ? "" : ", ") + "required";
            std::printf("    --opt %s.%s=<%s>  %s%s%s%s\n", d.name, spec.name, type_label(spec.type), spec.help,
                        extras.empty() ? "" : " (", extras.c_str(), extras.empty() ? "" : ")");
        }
    }
    for (const core::Rejection& rejection : session.plugins.rejections)
        std::printf("rejected %s: %s\n", rejection.path.c_str(), rejection.reason.c_str());
    return exit_ok;
}

}  // namespace

void add_plugins_command(CLI::App& app, std::function<int(Session&)>& run) {
    CLI::App* command = app.add_subcommand("plugins", "List the plugins found, their options, and rejected files");
    command->callback([&run] { run = run_plugins; });
}

}  // namespace loadseed::cli
