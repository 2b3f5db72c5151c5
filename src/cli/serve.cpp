// zro — shared live objects over ZeroMQ.
// `zro serve FILE.rep`: a dynamic source built from a .rep class, driven by stdin, calls on stdout.

#include "json_value.hpp"
#include "lookup.hpp"
#include "serve_models.hpp"

#include <zro/dynamic_source.hpp>
#include <zro/host.hpp>
#include <zro/idl/ast.hpp>

#include <CLI/CLI.hpp>

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
    ServedModels& models;
    std::map<std::string, Value> auto_replies;
    bool wait_void = false;
    bool stdin_open = true;
    std::uint64_t next_id = 1;
    struct PendingCall {
        Responder responder;
        std::string method;
        Type return_type;  // Kind::none for void
    };
    std::map<std::uint64_t, PendingCall> pending;

    void on_call(const MethodDef& m, std::vector<Value> args, Responder responder) {
        const std::uint64_t id = next_id++;
        Value::Map line{{Value("event"), Value("call")}, {Value("id"), Value(id)}, {Value("method"), Value(m.name)},
                        {Value("args"), with_field_names(args, m.params, schema)}};
        auto it = auto_replies.find(m.name);
        if (it != auto_replies.end()) {
            line.emplace_back(Value("answered"), Value("--reply"));
            line.emplace_back(Value("result"), with_field_names(it->second, m.parsed_return_type, schema));
            print_line(json_text(Value(std::move(line))));
            responder.reply(it->second);
        } else if (m.parsed_return_type.kind() == Type::Kind::none && !wait_void) {
            line.emplace_back(Value("answered"), Value("void"));
            print_line(json_text(Value(std::move(line))));
            responder.reply();
        } else if (!stdin_open) {
            line.emplace_back(Value("answered"), Value("failed: stdin is closed"));
            print_line(json_text(Value(std::move(line))));
            responder.fail("zro serve: no answer for " + m.name + ": its stdin is closed and no --reply " + m.name + "=JSON was given");
        } else {
            line.emplace_back(Value("answered"), Value("stdin"));
            print_line(json_text(Value(std::move(line))));
            pending.emplace(id, PendingCall{std::move(responder), m.name, m.parsed_return_type});
        }
    }

    void stdin_closed() {
        stdin_open = false;
        for (auto& [id, c] : pending) c.responder.fail("zro serve: call " + std::to_string(id) + " unanswered: stdin closed");
        pending.clear();
    }

    // One stdin line; throws CliError describing what is wrong with it.
    void handle_line(const std::string& text) {
        const Json v = parse_json(text);
        if (!v.is_object()) throw CliError(Exit::usage, "expected a JSON object");
        if (const Json* id = field(v, "reply")) {
            if (!id->is_number_integer()) throw CliError(Exit::usage, "\"reply\" must be a call id (a number)");
            auto it = id->is_number_unsigned() ? pending.find(id->get<std::uint64_t>()) : pending.end();
            if (it == pending.end()) throw CliError(Exit::not_found, "no pending call with id " + json_text(*id));
            PendingCall c = std::move(it->second);
            pending.erase(it);
            if (const Json* err = field(v, "error")) {
                c.responder.fail(err->is_string() ? err->get<std::string>() : json_text(*err));
                return;
            }
            const Json* found = field(v, "result");
            Value result = found ? to_value(*found) : Value();
            if (c.return_type.kind() != Type::Kind::none) {
                result = found ? to_value(*found, c.return_type, schema) : Value();
                if (!schema.accepts(c.return_type, result)) {
                    const std::string why = "reply to call " + json_text(*id) + " (" + c.method + "): expected " +
                                            c.return_type.spelling() + ", got " + json_text(result);
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
            const Json* value = field(v, "value");
            if (!value) throw CliError(Exit::usage, "no \"value\" for property '" + prop + "'");
            const PropertyDef& p = find_property(schema, schema.type_name(), prop);
            const Value c = to_value(*value, p.parsed_type, schema);
            check_value(schema, p.parsed_type, c, "property '" + prop + "'");
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
            const Json no_args = Json::array();
            const Json* given = field(v, "args");
            if (!given) given = &no_args;
            if (!given->is_array()) throw CliError(Exit::usage, "\"args\" must be a list");
            if (given->size() != g.params.size())
                throw CliError(Exit::bad_value, "signal '" + sig + "' takes " + std::to_string(g.params.size()) +
                                                    " arguments; got " + std::to_string(given->size()));
            std::vector<Value> args;
            for (std::size_t i = 0; i < given->size(); ++i) {
                args.push_back(to_value((*given)[i], g.params[i].parsed_type, schema));
                check_value(schema, g.params[i].parsed_type, args[i], "argument " + std::to_string(i + 1) + " of signal " + sig);
            }
            source.emit_signal(sig, std::move(args));
            return;
        }
        if (field(v, "model") && !field(v, "event")) return models.handle_line(v);  // (watch's model lines have "event")
        if (!field_string(v, "event").empty()) return;  // other `zro watch --json` lines (state, notice)
        throw CliError(Exit::usage, "expected {\"set\":P,\"value\":V}, {\"emit\":S,\"args\":[...]}, {\"reply\":ID,\"result\":V} or "
                                    "{\"model\":M,\"insert\":ROW,...}");
    }
};

struct ServeArgs {
    std::string rep_file, class_name, name, allowed;
    std::vector<std::string> sets, replies;
    bool mdns = false, wait_void = false, exit_on_eof = false, allow_any_client = false;
};

int run(const CommonOptions& common, const ServeArgs& args) {
    const auto urls = common.urls();
    if (urls.size() != 1) throw CliError(Exit::usage, "serve needs one --url to listen on, e.g. --url tcp://127.0.0.1:5555");
    Schema schema = load_schema(args.rep_file, args.class_name);
    const std::string name = args.name.empty() ? schema.type_name() : args.name;

    DynamicSource source(schema);
    const Schema& s = source.schema();
    for (const auto& text : args.sets) {
        auto [prop, value_text] = split_assignment(text, "--set");
        const PropertyDef& p = find_property(s, name, prop);
        const Value v = arg_value(value_text, p.parsed_type, s);
        check_value(s, p.parsed_type, v, "--set " + prop);
        source.set_property(prop, v);
    }
    std::map<std::string, Value> replies;
    for (const auto& text : args.replies) {
        auto [method, value_text] = split_assignment(text, "--reply");
        const MethodDef& m = find_method(s, name, method);
        const bool is_void = m.parsed_return_type.kind() == Type::Kind::none;
        Value v = arg_value(value_text, is_void ? Type() : m.parsed_return_type, s);
        if (!is_void) check_value(s, m.parsed_return_type, v, "--reply " + method);
        else if (!v.is_nil()) throw CliError(Exit::bad_value, "--reply " + method + ": the method is void; use " + method + "=null");
        replies[method] = std::move(v);
    }

    NodeOptions options = common.node_options();  // --key makes it a CurveZMQ host
    if (!args.allowed.empty() || args.allow_any_client) {
        if (!options.security.enabled()) throw CliError(Exit::usage, "--allowed and --allow-any-client need --key (the host's key pair)");
        options.security.allowed_clients_dir = args.allowed;
        options.security.allow_any_client = args.allow_any_client;
    } else if (options.security.enabled()) {
        throw CliError(Exit::usage, "--key without --allowed DIR (client keys) or --allow-any-client would refuse every client");
    }
    options.discovery = args.mdns;  // publish _zro._tcp through avahi-daemon
    options.discovery_interface = common.interface;
    options.registry_url = common.registry;
    ServedModels models(source);  // one editable StandardItemModel per MODEL member
    Host host(urls[0], options);
    InterruptScope on_interrupt([&host] { host.stop(); });
    Server server{host, source, s, models, std::move(replies), args.wait_void, true, 1, {}};
    for (const auto& m : s.methods())
        source.on_call_deferred(m.name, [&server, &m](std::vector<Value> call_args, Responder r) {
            server.on_call(m, std::move(call_args), std::move(r));
        });
    for (const auto& p : s.properties())
        if (p.mode == PropertyMode::read_push || p.mode == PropertyMode::read_write)
            source.on_write(p.name, [&p, &s](const Value& requested) {
                print_line(json_text(Value::map_of(
                    {{"event", "write"}, {"property", p.name}, {"value", with_field_names(requested, p.parsed_type, s)}})));
                return requested;
            });
    auto registration = host.enable_remoting(source, name);
    print_line(json_text(Value::map_of({{"event", "serving"},
                                      {"object", name},
                                      {"type", s.type_name()},
                                      {"signature", s.signature()},
                                      {"url", host.url()},
                                      {"node_id", host.node_id()}})));

    const bool exit_on_eof = args.exit_on_eof;
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

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<ServeArgs>();
    cmd.add_option("FILE.rep", args->rep_file, "the .rep file of the class to serve")->required();
    cmd.add_option("-c,--class", args->class_name, "the class to serve (when the file has several)")->type_name("C");
    cmd.add_option("-n,--name", args->name, "the name to share it under (default: the class name)")->type_name("N");
    cmd.add_option("-s,--set", args->sets, "an initial value (JSON, or text for strings; repeatable)")
        ->type_name("PROP=VALUE")
        ->allow_extra_args(false);
    cmd.add_option("-r,--reply", args->replies, "answer every call of METHOD with this result (repeatable)")
        ->type_name("METHOD=JSON")
        ->allow_extra_args(false);
    cmd.add_flag("--mdns", args->mdns, "publish it through avahi-daemon (mDNS) so `zro list` finds it without --url");
    cmd.add_flag("--wait-void", args->wait_void, "answer void methods from stdin too");
    cmd.add_flag("--exit-on-eof", args->exit_on_eof, "stop serving when stdin closes");
    cmd.add_option("--allowed", args->allowed, "with --key: the directory of allowed client public keys (*.key)")->type_name("DIR");
    cmd.add_flag("--allow-any-client", args->allow_any_client, "with --key: encrypt, but admit any client key");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"serve", 70, "host a mock source from a .rep class, driven by stdin",
                            "Hosts a dynamic source of class C (the file's only class by default) under name N (the\n"
                            "class name by default) at URL, with the .rep defaults and the --set values. stdout gets\n"
                            "JSON lines (always JSON): {\"event\":\"serving\",...} once bound, {\"event\":\"call\",\"id\",\n"
                            "\"method\",\"args\",\"answered\"} for each method call, {\"event\":\"write\",\"property\",\"value\"}\n"
                            "for each replica write. stdin takes JSON lines:\n"
                            "  {\"set\":\"currState\",\"value\":true}          change a property\n"
                            "  {\"emit\":\"alarm\",\"args\":[3,\"hot\"]}         emit a signal\n"
                            "  {\"reply\":7,\"result\":42}                    answer call 7 (\"error\":\"text\" fails it)\n"
                            "and the property and signal lines of `zro watch --json` (a live object can be mirrored).\n"
                            "Each MODEL member is an editable model with the member's roles and one column; lines\n"
                            "{\"model\":M,...} edit it (\"parent\":[0,3] addresses children; docs/CLI.md lists them all):\n"
                            "  {\"model\":\"tracks\",\"insert\":\"end\",\"rows\":[{\"title\":\"So What\",\"seconds\":562}]}\n"
                            "  {\"model\":\"tracks\",\"set\":0,\"values\":{\"seconds\":565},\"editable\":false}\n"
                            "  {\"model\":\"tracks\",\"remove\":0,\"count\":2}   {\"model\":\"tracks\",\"move\":0,\"to\":3}\n"
                            "  insert_columns, remove_columns, move_columns, header, {\"model\":\"tracks\",\"clear\":true}\n"
                            "Replicas' writes to editable items are accepted and printed ({\"event\":\"model_write\",...}).\n"
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
                            define}};

} // namespace
} // namespace zro::cli
