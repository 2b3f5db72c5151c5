// zro — shared live objects over ZeroMQ.
// zroc: compiles a QtRO .rep file into typed C++ sources and replicas (docs/IDL.md).
//
//   zroc FILE.rep -o OUTDIR [--mode source|replica|merged]   write rep_<base>_<mode>.h
//   zroc FILE.rep --check                                    parse and check only
//   zroc FILE.rep --print-signature                          "<Class> <signature>" per class
//   zroc FILE.rep --print-canonical CLASS                    the text the signature hashes
//
// Exit codes: 0 success, 1 errors in the .rep file, 2 bad command line, 3 cannot write output.

#include <zro/idl/ast.hpp>
#include <zro/idl/generate.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

constexpr int exit_input = 1;
constexpr int exit_usage = 2;
constexpr int exit_output = 3;

const char* usage =
    "usage: zroc FILE.rep -o OUTDIR [--mode source|replica|merged]\n"
    "       zroc FILE.rep --check | --print-signature | --print-canonical CLASS\n"
    "\n"
    "Compiles a Qt Remote Objects .rep file into C++ for zro: rep_<name>_<mode>.h with\n"
    "<Class>Source, <Class>SimpleSource and/or <Class>Replica (default mode: merged).\n"
    "Exit codes: 0 ok, 1 errors in the .rep file, 2 bad command line, 3 cannot write output.\n";

int bad_usage(const std::string& why) {
    std::cerr << "zroc: " << why << "\n" << usage;
    return exit_usage;
}

// Writes `content` unless the file already holds exactly it (so builds do not redo work).
bool write_if_changed(const std::filesystem::path& path, const std::string& content, std::string& error) {
    {
        std::ifstream in(path, std::ios::binary);
        if (in) {
            std::ostringstream ss;
            ss << in.rdbuf();
            if (ss.str() == content) return true;
        }
    }
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            error = "cannot write " + tmp.string();
            return false;
        }
        out << content;
        out.close();
        if (!out) {
            error = "cannot write " + tmp.string();
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        error = "cannot write " + path.string() + ": " + ec.message();
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::string input, outdir, canonical_class;
    zro::idl::GenerateMode mode = zro::idl::GenerateMode::merged;
    bool check_only = false, print_signature = false, print_canonical = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* what) -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(std::string(what) + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "-h" || a == "--help") {
                std::cout << usage;
                return 0;
            } else if (a == "-o" || a == "--output") {
                outdir = value(a.c_str());
            } else if (a == "--mode") {
                const std::string m = value("--mode");
                if (m == "source") mode = zro::idl::GenerateMode::source;
                else if (m == "replica") mode = zro::idl::GenerateMode::replica;
                else if (m == "merged") mode = zro::idl::GenerateMode::merged;
                else return bad_usage("unknown mode '" + m + "' (source, replica or merged)");
            } else if (a == "--check") {
                check_only = true;
            } else if (a == "--print-signature") {
                print_signature = true;
            } else if (a == "--print-canonical") {
                print_canonical = true;
                canonical_class = value("--print-canonical");
            } else if (!a.empty() && a[0] == '-') {
                return bad_usage("unknown option '" + a + "'");
            } else if (input.empty()) {
                input = a;
            } else {
                return bad_usage("only one input file is accepted (got '" + input + "' and '" + a + "')");
            }
        } catch (const std::invalid_argument& e) {
            return bad_usage(e.what());
        }
    }
    if (input.empty()) return bad_usage("no input file");
    if (outdir.empty() && !check_only && !print_signature && !print_canonical) return bad_usage("no output directory (-o OUTDIR)");

    zro::idl::Document doc;
    try {
        doc = zro::idl::parse_file(input);
    } catch (const zro::idl::ParseError& e) {
        std::cerr << e.what() << "\n";
        return exit_input;
    }
    for (const auto& w : doc.warnings) std::cerr << w.to_string() << "\n";

    try {
        if (print_signature)
            for (const auto& [name, sig] : zro::idl::class_signatures(doc)) std::cout << name << " " << sig << "\n";
        if (print_canonical) std::cout << zro::idl::to_schema(doc, canonical_class).canonical_text();
        if (check_only || outdir.empty()) return 0;

        std::vector<zro::idl::Diagnostic> notes;
        const auto file = zro::idl::generate_cpp(doc, mode, &notes);
        for (const auto& w : notes) std::cerr << w.to_string() << "\n";
        std::error_code ec;
        std::filesystem::create_directories(outdir, ec);
        if (ec) {
            std::cerr << "zroc: cannot create " << outdir << ": " << ec.message() << "\n";
            return exit_output;
        }
        std::string error;
        if (!write_if_changed(std::filesystem::path(outdir) / file.name, file.content, error)) {
            std::cerr << "zroc: " << error << "\n";
            return exit_output;
        }
    } catch (const zro::idl::ParseError& e) {
        std::cerr << e.what() << "\n";
        return exit_input;
    }
    return 0;
}
