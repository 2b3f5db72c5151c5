// zro — shared live objects over ZeroMQ.
// `zro call OBJ METHOD [ARG...]` and `zro call -` (JSON lines on stdin).

#include "json.hpp"
#include "lookup.hpp"
#include "rep_text.hpp"

#include <zro/dynamic_replica.hpp>

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

// Calls one method; prints the result; throws CliError with the matching exit code.
void call_one(Acquired& a, const std::string& object, const std::string& method, const std::vector<Value>& raw,
              const std::vector<std::string>* texts, Clock::time_point deadline, std::chrono::milliseconds timeout,
              bool json_out) {
    const Schema& s = a.replica->schema();
    const MethodDef& m = find_method(s, object, method);
    const std::size_t given = texts ? texts->size() : raw.size();
    if (given != m.params.size())
        throw CliError(Exit::bad_value, "method '" + method + "' of " + object + " takes " + std::to_string(m.params.size()) +
                                            " argument" + (m.params.size() == 1 ? "" : "s") + ", " + signature_text(m) +
                                            "; got " + std::to_string(given));
    std::vector<Value> args;
    for (std::size_t i = 0; i < given; ++i) {
        const std::string& type = m.params[i].type;
        Value v = texts ? parse_arg((*texts)[i], type, s) : coerce(raw[i], type, s);
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
        print_line(to_json(Value::map_of({{"object", object}, {"method", method}, {"args", Value(args)}, {"result", result}})));
    else if (m.return_type != "void")
        print_line(value_text(result, m.return_type, s));
}

int run(const Args& args) {
    const auto& pos = args.positional();
    const auto timeout = args.timeout(std::chrono::seconds(5));
    if (!pos.empty() && pos[0] == "-") {
        if (pos.size() > 2) throw CliError(Exit::usage, "usage: zro call - [OBJECT] (see -h)");
        const std::string rename = pos.size() == 2 ? pos[1] : std::string();
        const auto urls = target_urls(args, timeout);
        Node node(args.node_options());
        ObjectCache cache(node, urls, timeout);
        for_each_stdin_json(node, [&](const Value& v, std::size_t n) {
            const std::string method = field_string(v, "method");
            if (method.empty()) return;  // property lines, state changes: not for call
            const std::string object = rename.empty() ? field_string(v, "object") : rename;
            if (object.empty())
                throw CliError(Exit::usage, "stdin line " + std::to_string(n) + ": no \"object\" (or give OBJECT after '-')");
            std::vector<Value> call_args;
            if (const Value* a = v.find("args")) {
                if (!a->is_list()) throw CliError(Exit::usage, "stdin line " + std::to_string(n) + ": \"args\" must be a list");
                call_args = a->as_list();
            }
            call_one(cache.get(object), object, method, call_args, nullptr, Clock::now() + timeout, timeout, args.json());
        });
        return 0;
    }
    if (pos.size() < 2) throw CliError(Exit::usage, "usage: zro call OBJECT METHOD [ARG...], or zro call - (see -h)");
    const auto urls = target_urls(args, timeout, pos[0]);
    const auto deadline = Clock::now() + timeout;
    Node node(args.node_options());
    auto a = acquire_object(node, urls, pos[0], deadline, timeout);
    const std::vector<std::string> texts(pos.begin() + 2, pos.end());
    call_one(a, pos[0], pos[1], {}, &texts, deadline, timeout, args.json());
    return 0;
}

const VerbRegistration reg{{"call", 50, "call a method and print its reply",
                            "usage: zro call OBJECT METHOD [ARG...] [--url URL] [--json] [--timeout T]\n"
                            "       zro call - [OBJECT] [--url URL]        (JSON lines on stdin)\n\n"
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
                            {},
                            run}};

} // namespace
} // namespace zro::cli
