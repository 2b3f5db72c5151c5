// zro — shared live objects over ZeroMQ.
// `zro call OBJ METHOD [ARG...]` and `zro call -` (JSON lines on stdin).

#include "json_value.hpp"
#include "lookup.hpp"
#include "rep_text.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

std::string signature_text(const MethodDef& m) {
    std::string out = m.name + "(";
    for (std::size_t i = 0; i < m.params.size(); ++i) {
        if (i) out += ", ";
        out += rep_type(m.params[i].parsed_type);
        if (!m.params[i].name.empty()) out += " " + m.params[i].name;
    }
    return out + ")";
}

// The arguments as given: the "args" array of a stdin line, or command-line arguments.
struct GivenArgs {
    const Json* json = nullptr;
    std::vector<std::string> texts;
};

// Calls one method; prints the result; throws CliError with the matching exit code.
void call_one(Acquired& a, const std::string& object, const std::string& method, const GivenArgs& raw,
              Clock::time_point deadline, std::chrono::milliseconds timeout, bool json_out) {
    const Schema& s = a.replica->schema();
    const MethodDef& m = find_method(s, object, method);
    const std::size_t given = raw.json ? raw.json->size() : raw.texts.size();
    if (given != m.params.size())
        throw CliError(Exit::bad_value, "method '" + method + "' of " + object + " takes " + std::to_string(m.params.size()) +
                                            " argument" + (m.params.size() == 1 ? "" : "s") + ", " + signature_text(m) +
                                            "; got " + std::to_string(given));
    std::vector<Value> args;
    for (std::size_t i = 0; i < given; ++i) {
        const Type& type = m.params[i].parsed_type;
        Value v = raw.json ? to_value((*raw.json)[i], type, s) : arg_value(raw.texts[i], type, s);
        const std::string what = "argument " + std::to_string(i + 1) +
                                 (m.params[i].name.empty() ? std::string() : " (" + m.params[i].name + ")") + " of " + method;
        check_value(s, type, v, what);
        args.push_back(std::move(v));
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 1) left = std::chrono::milliseconds(1);
    auto reply = a.replica->invoke(method, args, left);
    reply.wait(left + std::chrono::milliseconds(100));
    const auto no_reply = [&] {
        return CliError(Exit::timeout, "no reply from " + object + "." + method + " within " + format_duration(timeout));
    };
    if (!reply.finished()) throw no_reply();
    if (auto err = reply.error()) {
        if (err->code == ErrorCode::timeout) throw no_reply();
        throw CliError(exit_for(err->code), object + "." + method + " failed: " + err->message + " (" +
                                                std::string(to_string(err->code)) + ")");
    }
    const Value result = reply.value();
    if (json_out)
        print_line(json_text(Value::map_of({{"object", object}, {"method", method}, {"args", with_field_names(args, m.params, s)},
                                            {"result", with_field_names(result, m.parsed_return_type, s)}})));
    else if (m.parsed_return_type.kind() != Type::Kind::none)
        print_line(value_text(result, m.parsed_return_type, s));
}

// `zro call OBJECT METHOD [ARG...]`, or `zro call - [OBJECT]` (then `method` holds that OBJECT).
struct CallArgs {
    std::string object, method;
    std::vector<std::string> args;
};

int run(const CommonOptions& common, const CallArgs& args) {
    const auto timeout = common.timeout(std::chrono::seconds(5));
    if (args.object == "-") {
        if (!args.args.empty()) throw CliError(Exit::usage, "after '-' only an OBJECT may follow: the calls come from stdin");
        const std::string& rename = args.method;
        const auto urls = target_urls(common, timeout);
        Node node(common.node_options());
        ObjectCache cache(node, urls, timeout);
        const Json no_args = Json::array();
        for_each_stdin_json(node, [&](const Json& line, std::size_t n) {
            const std::string method = field_string(line, "method");
            if (method.empty()) return;  // property lines, state changes: not for call
            const std::string object = rename.empty() ? field_string(line, "object") : rename;
            if (object.empty())
                throw CliError(Exit::usage, "stdin line " + std::to_string(n) + ": no \"object\" (or give OBJECT after '-')");
            const Json* call_args = field(line, "args");
            if (call_args && !call_args->is_array())
                throw CliError(Exit::usage, "stdin line " + std::to_string(n) + ": \"args\" must be a list");
            call_one(cache.get(object), object, method, {call_args ? call_args : &no_args, {}}, Clock::now() + timeout, timeout,
                     common.json);
        });
        return 0;
    }
    if (args.method.empty()) throw CliError(Exit::usage, "OBJECT needs a METHOD (or give '-' to read calls from stdin)");
    const auto urls = target_urls(common, timeout, args.object);
    const auto deadline = Clock::now() + timeout;
    Node node(common.node_options());
    auto a = acquire_object(node, urls, args.object, deadline, timeout);
    call_one(a, args.object, args.method, {nullptr, args.args}, deadline, timeout, common.json);
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<CallArgs>();
    cmd.add_option("OBJECT", args->object, "the object's name, or - for JSON lines on stdin")->required();
    cmd.add_option("METHOD", args->method, "the method to call (after -: the object every line goes to)");
    cmd.add_option("ARG", args->args, "the method's arguments: JSON, or text for a string");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"call", 50, "call a method and print its reply",
                            "Each ARG is JSON (true, 3, 2.5, \"text\", [1,2]); text that is not JSON is taken as a string,\n"
                            "enum values may be given by name. The count and types are checked against the schema\n"
                            "before anything is sent (exit 5). Prints the reply as JSON (nothing for a void method);\n"
                            "--json prints {\"object\",\"method\",\"args\",\"result\"}. --timeout bounds finding the object and\n"
                            "the reply together (default 5 s). With '-', each stdin line {\"object\":O,\"method\":M,\n"
                            "\"args\":[...]} is called in order; lines without \"method\" are skipped.\n\n"
                            "examples:\n"
                            "  zro call SimpleSwitch server_slot true --url tcp://192.168.1.20:5555\n"
                            "  zro call Calc add 2 3 --json\n"
                            "  echo '{\"object\":\"Calc\",\"method\":\"add\",\"args\":[2,3]}' | zro call -",
                            define}};

} // namespace
} // namespace zro::cli
