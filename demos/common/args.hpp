// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// A tiny `--name value` command-line reader for the demos (no dependency for ~10 lines).

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace demo {

class Args {
public:
    /// `known` maps each accepted option (without "--") to its default ("" = required).
    Args(int argc, char** argv, std::map<std::string, std::string> known, const char* usage) : values_(std::move(known)) {
        for (int i = 1; i < argc; ++i) {
            std::string a = argv[i];
            if (a == "-h" || a == "--help") fail(usage, nullptr);
            if (a.rfind("--", 0) != 0 || !values_.count(a.substr(2)) || i + 1 >= argc) fail(usage, argv[i]);
            values_[a.substr(2)] = argv[++i];
        }
        for (auto& [k, v] : values_)
            if (v.empty()) fail(usage, ("--" + k + " is required").c_str());
    }
    const std::string& str(const std::string& k) const { return values_.at(k); }
    long num(const std::string& k) const { return std::strtol(values_.at(k).c_str(), nullptr, 10); }

private:
    [[noreturn]] static void fail(const char* usage, const char* what) {
        if (what) std::fprintf(stderr, "error: %s\n", what);
        std::fprintf(stderr, "usage: %s\n", usage);
        std::exit(what ? 2 : 0);
    }
    std::map<std::string, std::string> values_;
};

} // namespace demo
