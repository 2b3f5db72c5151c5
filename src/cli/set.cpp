// zro — shared live objects over ZeroMQ.
// `zro set OBJ PROP VALUE` and `zro set -` (JSON lines on stdin).

#include "json.hpp"
#include "lookup.hpp"

#include <zro/dynamic_replica.hpp>

namespace zro::cli {
namespace {

// Sets one property; throws CliError with the matching exit code.
void set_one(Acquired& a, const std::string& object, const std::string& prop, const Value& raw, bool from_json,
             const std::string& text, Clock::time_point deadline, std::chrono::milliseconds timeout, bool json_out) {
    const Schema& s = a.replica->schema();
    const PropertyDef& p = find_property(s, object, prop);
    if (p.mode != PropertyMode::read_push && p.mode != PropertyMode::read_write)
        throw CliError(Exit::read_only, "property '" + prop + "' of " + object + " is " + std::string(to_string(p.mode)) +
                                            ": only the source changes it");
    const Value value = from_json ? coerce(raw, p.type, s) : parse_arg(text, p.type, s);
    check_value(s, p.type, value, "property '" + prop + "' of " + object);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 1) left = std::chrono::milliseconds(1);
    auto reply = a.replica->set_property(prop, value, left);
    reply.wait(left + std::chrono::milliseconds(100));
    if (!reply.finished())
        throw CliError(Exit::timeout, "no answer to setting " + object + "." + prop + " within " + format_duration(timeout));
    if (auto err = reply.error()) {
        if (err->code == ErrorCode::timeout)
            throw CliError(Exit::timeout, "no answer to setting " + object + "." + prop + " within " + format_duration(timeout));
        throw CliError(exit_for(err->code), "setting " + object + "." + prop + " to " + to_json(value) + " failed: " +
                                                err->message + " (" + std::string(to_string(err->code)) + ")");
    }
    if (json_out)
        print_line(to_json(Value::map_of({{"object", object}, {"property", prop}, {"value", value}, {"ok", true}})));
}

int run(const Args& args) {
    const auto& pos = args.positional();
    const auto timeout = args.timeout(std::chrono::seconds(5));
    if (!pos.empty() && pos[0] == "-") {
        if (pos.size() > 2) throw CliError(Exit::usage, "usage: zro set - [OBJECT] (see -h)");
        const std::string rename = pos.size() == 2 ? pos[1] : std::string();
        const auto urls = target_urls(args, timeout);
        Node node(args.node_options());
        ObjectCache cache(node, urls, timeout);
        for_each_stdin_json(node, [&](const Value& v, std::size_t n) {
            const std::string prop = field_string(v, "property");
            const Value* value = v.is_map() ? v.find("value") : nullptr;
            if (prop.empty() || !value) return;  // signals, state changes: not for set
            const std::string object = rename.empty() ? field_string(v, "object") : rename;
            if (object.empty())
                throw CliError(Exit::usage, "stdin line " + std::to_string(n) + ": no \"object\" (or give OBJECT after '-')");
            set_one(cache.get(object), object, prop, *value, true, {}, Clock::now() + timeout, timeout, args.json());
        });
        return 0;
    }
    if (pos.size() != 3) throw CliError(Exit::usage, "usage: zro set OBJECT PROPERTY VALUE, or zro set - (see -h)");
    const auto urls = target_urls(args, timeout, pos[0]);
    const auto deadline = Clock::now() + timeout;
    Node node(args.node_options());
    auto a = acquire_object(node, urls, pos[0], deadline, timeout);
    set_one(a, pos[0], pos[1], {}, false, pos[2], deadline, timeout, args.json());
    return 0;
}

const VerbRegistration reg{{"set", 40, "change a property (push or set, as its mode says)",
                            "usage: zro set OBJECT PROPERTY VALUE [--url URL] [--json]\n"
                            "       zro set - [OBJECT] [--url URL]        (JSON lines on stdin)\n\n"
                            "VALUE is JSON (true, 21.5, \"text\", [1,2], {\"k\":1}); text that is not JSON is taken as a\n"
                            "string, and enum values may be given by name. The value is checked against the schema\n"
                            "before it is sent. READPUSH properties are pushed through the source's setter, READWRITE\n"
                            "ones set; READONLY, CONSTANT and SOURCEONLYSETTER ones are refused (exit 6).\n"
                            "With '-', each stdin line {\"object\":O,\"property\":P,\"value\":V} is applied in order\n"
                            "(the lines `zro get --json` and `zro watch --json` print; other lines are skipped);\n"
                            "OBJECT after '-' overrides the lines' object. Stops at the first error.\n\n"
                            "examples:\n"
                            "  zro set SimpleSwitch currState true --url tcp://192.168.1.20:5555\n"
                            "  zro set Thermostat mode Eco\n"
                            "  zro watch Switch --json --url tcp://a:5555 | zro set - Mirror --url tcp://b:5555",
                            {},
                            run}};

} // namespace
} // namespace zro::cli
