// zro — docs/PROTOCOL.md's message table and the message structs (src/wire/messages.hpp) say
// the same: every message of the code has one row with its code, name, direction and fields
// (names, types, optional marks) in order, and the table has no other rows. The document's path
// comes from the build (ZRO_PROTOCOL_MD).

#include "wire/messages.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace wire = zro::detail::wire;

namespace {

struct Row {
    std::string code, name, direction;
    std::vector<std::string> fields;  ///< "name: type", "name?: type"
};

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

/// The cells of a table line; "\|" is a literal bar inside a cell.
std::vector<std::string> cells(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
            cell += '|';
            ++i;
        } else if (line[i] == '|') {
            out.push_back(trim(cell));
            cell.clear();
        } else {
            cell += line[i];
        }
    }
    return out;
}

std::vector<std::string> split_fields(const std::string& cell) {
    std::vector<std::string> out;
    std::stringstream in(cell);
    std::string f;
    while (std::getline(in, f, ',')) out.push_back(trim(f));
    return out;
}

/// The rows of the table that follows the "message table" marker.
std::map<std::string, Row> read_table() {
    std::ifstream in(ZRO_PROTOCOL_MD);
    EXPECT_TRUE(in) << "cannot read " << ZRO_PROTOCOL_MD;
    std::map<std::string, Row> rows;
    std::string line;
    while (std::getline(in, line) && line.find("<!-- message table") == std::string::npos) {}
    std::getline(in, line);  // header
    std::getline(in, line);  // |---|
    while (std::getline(in, line) && !line.empty() && line[0] == '|') {
        const auto c = cells(line);
        EXPECT_GE(c.size(), 4u) << line;
        if (c.size() < 4) continue;
        Row r{c[0], c[1], c[2], split_fields(c[3])};
        EXPECT_TRUE(rows.emplace(r.name, r).second) << "two rows for " << r.name;
    }
    return rows;
}

template <class Msg> std::vector<std::string> fields_of() {
    std::vector<std::string> out;
    for (const auto& f : Msg::fields)
        out.push_back(std::string(f.name) + (f.optional ? "?" : "") + ": " + std::string(f.type));
    return out;
}

template <class Msg> void check_row(std::map<std::string, Row>& rows, int& checked) {
    const std::string name(Msg::name);
    auto it = rows.find(name);
    if (it == rows.end()) {
        ADD_FAILURE() << name << " has no row in PROTOCOL.md's message table";
        return;
    }
    EXPECT_EQ(it->second.code, std::to_string(Msg::code)) << name;
    EXPECT_EQ(it->second.direction, std::string(wire::to_string(Msg::direction))) << name;
    EXPECT_EQ(it->second.fields, fields_of<Msg>()) << name;
    rows.erase(it);
    ++checked;
}

/// Calls f.template operator()<Msg>() for every message alternative of Variant.
template <class Msg, class F> void visit_type(F& f) {
    if constexpr (!std::is_same_v<Msg, wire::UnknownMessage>) f.template operator()<Msg>();
}
template <class Variant, class F, std::size_t... I> void visit_types(F& f, std::index_sequence<I...>) {
    (visit_type<std::variant_alternative_t<I, Variant>>(f), ...);
}
template <class Variant, class F> void for_each_message(F f) {
    visit_types<Variant>(f, std::make_index_sequence<std::variant_size_v<Variant>>{});
}

} // namespace

TEST(MessagesDoc, TableMatchesTheCode) {
    auto rows = read_table();
    ASSERT_FALSE(rows.empty()) << "no message table found in " << ZRO_PROTOCOL_MD;
    int checked = 0;
    auto check = [&]<class Msg>() { check_row<Msg>(rows, checked); };
    for_each_message<wire::Request>(check);
    for_each_message<wire::HostReply>(check);
    for_each_message<wire::Publication>(check);
    check_row<wire::EventsHeader>(rows, checked);
    EXPECT_EQ(checked, 22);
    for (const auto& [name, row] : rows) ADD_FAILURE() << "PROTOCOL.md lists " << name << ", which the code does not have";
}

TEST(MessagesDoc, CodesAreUniquePerDirection) {
    std::map<std::pair<int, std::uint64_t>, std::string> seen;
    // Requests share one code space (the host's ROUTER); replies and publications another (what a
    // client receives, on its DEALER and its SUB).
    auto note = [&](wire::Direction d, std::uint64_t code, std::string_view name) {
        const auto key = std::make_pair(static_cast<int>(d == wire::Direction::to_host ? 0 : 1), code);
        EXPECT_TRUE(seen.emplace(key, std::string(name)).second) << name << " reuses code " << code << " of " << seen[key];
    };
    auto add = [&]<class Msg>() { note(Msg::direction, Msg::code, Msg::name); };
    for_each_message<wire::Request>(add);
    for_each_message<wire::HostReply>(add);
    for_each_message<wire::Publication>(add);
    note(wire::EventsHeader::direction, wire::EventsHeader::code, wire::EventsHeader::name);
}
