// zro — libFuzzer target: arbitrary bytes → the .rep front end (zro::idl) and the generator.
//
// Invariants checked (abort() on violation, so every engine and sanitizer reports it):
//  * parse_string() either returns a Document or throws zro::idl::ParseError, whose what() is
//    "<fuzz>:LINE:COL: error: MESSAGE" with a non-empty message and a location inside the input;
//    nothing else escapes (no other exception, no crash, no unbounded recursion);
//  * for a document that parses: to_schema() of every class gives a valid Schema whose
//    signature is the one class_signatures() reports and the one generate_cpp() embeds, and
//    generation succeeds in all three modes;
//  * parsing is deterministic: the same input gives the same first error or the same signatures.
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   build/tests/fuzz/fuzz_rep_parser -max_len=4096 -dict=tests/fuzz/fuzz_rep_parser.dict tests/fuzz/corpus/fuzz_rep_parser
// (or, while the library does not build with clang 14, link it by hand: clang++ -std=c++20
// -fsanitize=fuzzer,address,undefined -Iinclude -Iidl/include -Isrc tests/fuzz/fuzz_rep_parser.cpp
// idl/src/*.cpp src/core/{schema,value,error}.cpp; 250k runs of 150 s found nothing on 2026-11-25)
// Without a fuzzing engine (e.g. GCC), link replay_main.cpp for a main() that replays the
// files and directories given on the command line once each (the fuzz_<name>_replay binary).

#include <zro/idl/ast.hpp>
#include <zro/idl/generate.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "fuzz_rep_parser: invariant violated: %s %s\n", what, detail.c_str());
    std::abort();
}

// The outcome of one parse, for the determinism check.
std::string outcome(std::string_view text) {
    try {
        const auto doc = zro::idl::parse_string(text, "<fuzz>");
        std::string out = "ok";
        for (const auto& [name, sig] : zro::idl::class_signatures(doc)) out += " " + name + "=" + sig;
        return out;
    } catch (const zro::idl::ParseError& e) {
        return e.what();
    }
}

void check_error(const zro::idl::ParseError& e, std::string_view text) {
    const std::string what = e.what();
    if (what.rfind("<fuzz>:", 0) != 0) fail("error without the file name:", what);
    if (what.find(": error: ") == std::string::npos) fail("error without ': error: ':", what);
    if (e.message().empty()) fail("empty error message");
    const auto& loc = e.location();
    if (loc.line < 1 || loc.column < 1) fail("error location before the start:", what);
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (static_cast<std::size_t>(loc.line) > lines) fail("error location after the end:", what);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto doc = zro::idl::parse_string(text, "<fuzz>");
        const auto sigs = zro::idl::class_signatures(doc);
        if (sigs.size() != doc.classes.size()) fail("class_signatures() misses classes");
        for (const auto& [name, sig] : sigs) {
            const zro::Schema schema = zro::idl::to_schema(doc, name);
            schema.validate();
            if (schema.signature() != sig) fail("to_schema() and class_signatures() disagree for", name);
        }
        for (auto mode : {zro::idl::GenerateMode::source, zro::idl::GenerateMode::replica, zro::idl::GenerateMode::merged}) {
            const auto file = zro::idl::generate_cpp(doc, mode);
            for (const auto& [name, sig] : sigs)
                if (file.content.find("signature = \"" + sig + "\"") == std::string::npos)
                    fail("generated header lacks the signature of", name);
        }
    } catch (const zro::idl::ParseError& e) {
        check_error(e, text);
    } catch (const std::exception& e) {
        fail("unexpected exception:", e.what());
    }
    if (outcome(text) != outcome(text)) fail("parsing is not deterministic");
    return 0;
}
