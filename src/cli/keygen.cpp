// zro — shared live objects over ZeroMQ.
// `zro keygen [DIR] [--name N]`: a CURVE key pair for a node (docs/SECURITY.md).

#include "cli.hpp"
#include "json_value.hpp"

#include <zro/security.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

namespace zro::cli {
namespace {

struct KeygenArgs {
    std::string dir = "keys";
    std::string name;
};

int run(const CommonOptions& common, const KeygenArgs& args) {
    const std::string& dir = args.dir;
    std::string name = args.name;
    if (name.empty()) {
        char host[256] = {};
        name = ::gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "node";
    }
    KeyPair keys;
    std::filesystem::path secret;
    try {
        keys = KeyPair::generate();
        secret = keys.save(dir, name);
    } catch (const Error& e) {
        throw CliError(e.code() == ErrorCode::already_exists ? Exit::failed : Exit::usage, e.what());
    }
    const std::string pub = (std::filesystem::path(dir) / (name + ".key")).string();
    if (common.json) {
        print_line(json_text(Value::map_of({{"name", name},
                                          {"public_key", keys.public_key},
                                          {"fingerprint", key_fingerprint(keys.public_key)},
                                          {"public_file", pub},
                                          {"secret_file", secret.string()}})));
        return 0;
    }
    const Style sty = style_for(common);
    print_line("public key   " + sty.bold(keys.public_key) + "  (" + key_fingerprint(keys.public_key) + ")");
    print_line("public file  " + pub + "   share it: hosts list it in allowed_clients/, clients pin it");
    print_line("secret file  " + secret.string() + "   mode 0600, keep it on this machine only");
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<KeygenArgs>();
    cmd.add_option("DIR", args->dir, "where to write the key files (default: ./keys)");
    cmd.add_option("-n,--name", args->name, "the key's name: files N.key and N.key_secret (default: host name)")->type_name("N");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"keygen", 90, "make a CURVE key pair for a node (security)",
                            "Writes a new CurveZMQ key pair: DIR/N.key (the public key, to share) and\n"
                            "DIR/N.key_secret (both keys, mode 0600; zro refuses to load a secret file that\n"
                            "group or others can read). DIR defaults to ./keys (created with mode 0700), N to\n"
                            "this machine's host name. Existing files are never overwritten (exit 1).\n"
                            "A host loads its pair with NodeOptions::security.key_file and lists the public\n"
                            "keys of allowed clients in a directory (security.allowed_clients_dir); clients\n"
                            "pin the host's public key. docs/SECURITY.md has the set-up in five commands.\n\n"
                            "examples:\n"
                            "  zro keygen /etc/zro/keys --name hub\n"
                            "  zro keygen keys --name sensor-1 --json",
                            define}};

} // namespace
} // namespace zro::cli
