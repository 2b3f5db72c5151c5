// zro — shared live objects over ZeroMQ.
// `zro serve FILE.rep`: a dynamic source built from a .rep class, driven by stdin, calls on stdout.

#include "json.hpp"
#include "lookup.hpp"

#include <zro/dynamic_source.hpp>
#include <zro/host.hpp>
#include <zro/idl/ast.hpp>

#include <map>

namespace zro::cli {
namespace {

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* option) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw CliError(Exit::usage, std::string(option) + " '" + text + "': expected NAME=VALUE");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

Schema load_schema(const std::string& file, const std::string& class_name) {
    try {
        const auto doc = idl::parse_file(file);
        for (const auto& w : doc.warnings) std::fprintf(stderr, "%s\n", w.to_string().c_str());
        std::string cls = class_name;
        if (cls.empty()) {
            std::vector<std::string> names;
            for (const auto& c : doc.classes) names.push_back(c.name);
            if (names.size() != 1)
                throw CliError(Exit::usage, file + " has " + std::to_string(names.size()) + " classes (" + join_names(names) +
                                                "): choose one with --class");
            cls = names[0];
        } else if (!doc.find_class(cls)) {
            std::vector<std::string> names;
            for (const auto& c : doc.classes) names.push_back(c.name);
            throw CliError(Exit::not_found, "no class '" + cls + "' in " + file + "; classes: " + join_names(names));
        }
        return idl::to_schema(doc, cls);
    } catch (const idl::ParseError& e) {
        throw CliError(Exit::usage, e.what());
    }
}

struct Server {
    Host& host;
    DynamicSource& source;
    const Schema& schema;
    std::map<std::string, Value> auto_replies;
    bool wait_void = false;
    bool stdin_open = true;
    std::uint64_t next_id = 1;
    struct PendingCall {
        Responder responder;
        std::string method, return_type;
    };
    std::map<std::uint64_t, PendingCall> pending;

    void on_call(const MethodDef& m, std::vector<Value> args, Responder responder) {
        const std::uint64_t id = next_id++;
        Value::Map line{{Value("event"), Value("call")}, {Value("id"), Value(id)}, {Value("method"), Value(m.name)},
                        {Value("args"), Value(args)}};
        auto it = auto_replies.find(m.name);
        if (it != auto_replies.end()) {
            line.emplace_back(Value("answered"), Value("--reply"));
            line.emplace_back(Value("result"), it->second);
            print_line(to_json(Value(std::move(line))));
            responder.reply(it->second);
        } else if (m.return_type == "void" && !wait_void) {
            line.emplace_back(Value("answered"), Value("void"));
            print_line(to_json(Value(std::move(line))));
            responder.reply();
        } else if (!stdin_open) {
            line.emplace_back(Value("answered"), Value("failed: stdin is closed"));
            print_line(to_json(Value(std::move(line))));
            responder.fail("zro serve: no answer for " + m.name + ": its stdin is closed and no --reply " + m.name + "=JSON was given");
        } else {
            line.emplace_back(Value("answered"), Value("stdin"));
            print_line(to_json(Value(std::move(line))));
            pending.emplace(id, PendingCall{std::move(responder), m.name, m.return_type});
        }
    }

    void stdin_closed() {
        stdin_open = false;
        for (auto& [id, c] : pending) c.responder.fail("zro serve: call " + std::to_string(id) + " unanswered: stdin closed");
        pending.clear();
    }

    // One stdin line; throws CliError describing what is wrong with it.
    void handle_line(const std::string& text) {
        const Value v = parse_json(text);
        if (!v.is_map()) throw CliError(Exit::usage, "expected a JSON object");
        if (const Value* id = v.find("reply")) {
            if (!id->is_integer()) throw CliError(Exit::usage, "\"reply\" must be a call id (a number)");
            auto it = pending.find(id->as<std::uint64_t>());
            if (it == pending.end()) throw CliError(Exit::not_found, "no pending call with id " + id->to_string());
            PendingCall c = std::move(it->second);
            pending.erase(it);
            if (const Value* err = v.find("error")) {
                c.responder.fail(err->is_string() ? err->as_string() : to_json(*err));
                return;
            }
            const Value* found = v.find("result");
            Value result = found ? *found : Value();
            if (c.return_type != "void") {
                result = coerce(result, c.return_type, schema);
                if (!schema.accepts(c.return_type, result)) {
                    const std::string why = "reply to call " + id->to_string() + " (" + c.method + "): expected " +
                                            c.return_type + ", got " + to_json(result);
                    c.responder.fail("zro serve: " + why);
                    throw CliError(Exit::bad_value, why + " (the call failed)");
                }
            }
            c.responder.reply(std::move(result));
            return;
        }
        std::string prop = field_string(v, "set");
        if (prop.empty()) prop = field_string(v, "property");
        if (!prop.empty()) {
            const Value* value = v.find("value");
            if (!value) throw CliError(Exit::usage, "no \"value\" for property '" + prop + "'");
            const PropertyDef& p = find_property(schema, schema.type_name(), prop);
            const Value c = coerce(*value, p.type, schema);
            check_value(schema, p.type, c, "property '" + prop + "'");
            source.set_property(prop, c);
            return;
        }
        std::string sig = field_string(v, "emit");
        if (sig.empty()) sig = field_string(v, "signal");
        if (!sig.empty()) {
            const auto idx = schema.signal_index(sig);
            if (!idx) {
                std::vector<std::string> seen;
                for (const auto& g : schema.signals()) seen.push_back(g.name);
                throw CliError(Exit::not_found, "no signal '" + sig + "'; signals: " + join_names(seen));
            }
            const auto& g = schema.signals()[*idx];
            std::vector<Value> args;
            if (const Value* a = v.find("args")) {
                if (!a->is_list()) throw CliError(Exit::usage, "\"args\" must be a list");
                args = a->as_list();
            }
            if (args.size() != g.params.size())
                throw CliError(Exit::bad_value, "signal '" + sig + "' takes " + std::to_string(g.params.size()) +
                                                    " arguments; got " + std::to_string(args.size()));
            for (std::size_t i = 0; i < args.size(); ++i) {
                args[i] = coerce(args[i], g.params[i].type, schema);
                check_value(schema, g.params[i].type, args[i], "argument " + std::to_string(i + 1) + " of signal " + sig);
            }
            source.emit_signal(sig, std::move(args));
            return;
        }
        if (!field_string(v, "event").empty()) return;  // other `zro watch --json` lines (state, notice)
        throw CliError(Exit::usage, "expected {\"set\":P,\"value\":V}, {\"emit\":S,\"args\":[...]} or {\"reply\":ID,\"result\":V}");
    }
};

int run(const Args& args) {
    if (args.positional().size() != 1) throw CliError(Exit::usage, "usage: zro serve FILE.rep --url URL (see -h)");
    const auto urls = args.urls();
    if (urls.size() != 1) throw CliError(Exit::usage, "serve needs one --url to listen on, e.g. --url tcp://127.0.0.1:5555");
    Schema schema = load_schema(args.positional()[0], args.get("class"));
    const std::string name = args.get("name", schema.type_name());

    DynamicSource source(schema);
    const Schema& s = source.schema();
    for (const auto& text : args.all("set")) {
        auto [prop, value_text] = split_assignment(text, "--set");
        const PropertyDef& p = find_property(s, name, prop);
        const Value v = parse_arg(value_text, p.type, s);
        check_value(s, p.type, v, "--set " + prop);
        source.set_property(prop, v);
    }
    std::map<std::string, Value> replies;
    for (const auto& text : args.all("reply")) {
        auto [method, value_text] = split_assignment(text, "--reply");
        const MethodDef& m = find_method(s, name, method);
        Value v = m.return_type == "void" ? parse_arg(value_text, "var", s) : parse_arg(value_text, m.return_type, s);
        if (m.return_type != "void") check_value(s, m.return_type, v, "--reply " + method);
        else if (!v.is_nil()) throw CliError(Exit::bad_value, "--reply " + method + ": the method is void; use " + method + "=null");
        replies[method] = std::move(v);
    }

    NodeOptions options = args.node_options();  // --key makes it a CurveZMQ host
    if (args.has("allowed") || args.has("allow-any-client")) {
        if (!options.security.enabled()) throw CliError(Exit::usage, "--allowed and --allow-any-client need --key (the host's key pair)");
        options.security.allowed_clients_dir = args.get("allowed");
        options.security.allow_any_client = args.has("allow-any-client");
    } else if (options.security.enabled()) {
        throw CliError(Exit::usage, "--key without --allowed DIR (client keys) or --allow-any-client would refuse every client");
    }
    options.discovery = args.has("mdns");  // publish _zro._tcp through avahi-daemon
    options.discovery_interface = args.get("interface");
    options.registry_url = args.get("registry");
    Host host(urls[0], options);
    InterruptScope on_interrupt([&host] { host.stop(); });
    Server server{host, source, s, std::move(replies), args.has("wait-void"), true, 1, {}};
    for (const auto& m : s.methods())
        source.on_call_deferred(m.name, [&server, &m](std::vector<Value> call_args, Responder r) {
            server.on_call(m, std::move(call_args), std::move(r));
        });
    for (const auto& p : s.properties())
        if (p.mode == PropertyMode::read_push || p.mode == PropertyMode::read_write)
            source.on_write(p.name, [name = p.name](const Value& requested) {
                print_line(to_json(Value::map_of({{"event", "write"}, {"property", name}, {"value", requested}})));
                return requested;
            });
    auto registration = host.enable_remoting(source, name);
    print_line(to_json(Value::map_of({{"event", "serving"},
                                      {"object", name},
                                      {"type", s.type_name()},
                                      {"signature", s.signature()},
                                      {"url", host.url()},
                                      {"node_id", host.node_id()}})));

    const bool exit_on_eof = args.has("exit-on-eof");
    LineReader reader;
    while (!interrupted()) {
        if (auto line = reader.next(std::chrono::milliseconds(0))) {
            if (line->find_first_not_of(" \t") == std::string::npos) continue;
            try {
                server.handle_line(*line);
            } catch (const std::exception& e) {  // CliError, or zro::Error from the source
                std::fprintf(stderr, "zro serve: stdin line %zu: %s\n", reader.line_number(), e.what());
            }
            continue;
        }
        if (reader.eof()) {
            server.stdin_closed();
            if (exit_on_eof) {
                host.run_for(std::chrono::milliseconds(100));  // let the last changes go out
                break;
            }
            host.run();
            break;
        }
        host.run_for(std::chrono::milliseconds(20));
    }
    return 0;
}

const VerbRegistration reg{{"serve", 70, "host a mock source from a .rep class, driven by stdin",
                            "usage: zro serve FILE.rep --url URL [--class C] [--name N] [--set PROP=VALUE]...\n"
                            "                 [--reply METHOD=JSON]... [--wait-void] [--exit-on-eof] [--mdns] [--registry URL]\n"
                            "                 [--key FILE (--allowed DIR | --allow-any-client)]\n\n"
                            "Hosts a dynamic source of class C (the file's only class by default) under name N (the\n"
                            "class name by default) at URL, with the .rep defaults and the --set values. stdout gets\n"
                            "JSON lines (always JSON): {\"event\":\"serving\",...} once bound, {\"event\":\"call\",\"id\",\n"
                            "\"method\",\"args\",\"answered\"} for each method call, {\"event\":\"write\",\"property\",\"value\"}\n"
                            "for each replica write. stdin takes JSON lines:\n"
                            "  {\"set\":\"currState\",\"value\":true}          change a property\n"
                            "  {\"emit\":\"alarm\",\"args\":[3,\"hot\"]}         emit a signal\n"
                            "  {\"reply\":7,\"result\":42}                    answer call 7 (\"error\":\"text\" fails it)\n"
                            "and the property and signal lines of `zro watch --json` (a live object can be mirrored).\n"
                            "Calls are answered by --reply METHOD=JSON if given, void methods at once (unless\n"
                            "--wait-void), others from stdin (\"answered\":\"stdin\"). When stdin closes, unanswered calls\n"
                            "fail and serving goes on until Ctrl-C (or ends with --exit-on-eof). --mdns publishes the host\n"
                            "through avahi-daemon; --registry URL registers the object with the registry at URL.\n"
                            "With --key (a `zro keygen` secret file) the host speaks CurveZMQ only and admits the clients\n"
                            "whose public keys are in the --allowed directory (re-read when it changes).\n\n"
                            "examples:\n"
                            "  zro serve simpleswitch.rep --url tcp://127.0.0.1:5555\n"
                            "  zro serve thermostat.rep --url tcp://0.0.0.0:5555 --set temperature=21.5 --reply setMode=true\n"
                            "  ./my_script.py | zro serve device.rep --url tcp://127.0.0.1:5555 | ./my_script_reader.py\n"
                            "  zro serve device.rep --url tcp://0.0.0.0:5555 --key keys/hub.key_secret --allowed clients/",
                            {{"class", 'c', "C", "the class to serve (when the file has several)"},
                             {"name", 'n', "N", "the name to share it under (default: the class name)"},
                             {"set", 's', "PROP=VALUE", "an initial value (JSON, or text for strings)", true},
                             {"reply", 'r', "METHOD=JSON", "answer every call of METHOD with this result", true},
                             {"mdns", 0, "", "publish it through avahi-daemon (mDNS) so `zro list` finds it without --url"},
                             {"wait-void", 0, "", "answer void methods from stdin too"},
                             {"exit-on-eof", 0, "", "stop serving when stdin closes"},
                             {"allowed", 0, "DIR", "with --key: the directory of allowed client public keys (*.key)"},
                             {"allow-any-client", 0, "", "with --key: encrypt, but admit any client key"}},
                            run}};

} // namespace
} // namespace zro::cli
