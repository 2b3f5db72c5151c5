// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Shared parts of the `zro` command line (docs/CLI.md): exit codes, the error type verbs throw,
/// the common options, the verb registry, and terminal output (alignment, colour on a tty only).
///
/// Adding a verb: write src/cli/<verb>.cpp with a `define` function, which declares the verb's
/// options and positional arguments on its CLI11 command and returns what runs it, and one
/// registration line,
///
///     const zro::cli::VerbRegistration reg{{"keygen", 90, "make a key pair", details, define}};
///
/// CMake picks the file up (src/cli/*.cpp); `zro -h` lists it by its order number.

#include <zro/error.hpp>
#include <zro/node.hpp>
#include <zro/value.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
class Validator;
} // namespace CLI

namespace zro::cli {

/// Process exit codes, the same for every verb (docs/CLI.md, "Exit codes").
enum class Exit : int {
    ok = 0,
    failed = 1,           ///< the remote operation failed (handler failed, source gone, ...) or doctor found a problem
    usage = 2,            ///< bad command line, bad JSON, unreadable .rep file
    no_host = 3,          ///< no host answered at the URL(s) in time
    not_found = 4,        ///< no such object, property, method or signal
    bad_value = 5,        ///< a value or argument that does not match the schema
    read_only = 6,        ///< a write to a property whose mode does not allow it
    timeout = 7,          ///< the host answered but the object or the reply did not come in time
    no_discovery = 8,     ///< no --url given, and avahi-daemon (or the --registry) cannot be reached
    refused = 9,          ///< a secured host refused our key (unauthorized), or its key could not be verified
};

/// What verbs throw to end with a message on stderr and an exit code.
class CliError : public std::runtime_error {
public:
    CliError(Exit code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Exit code() const noexcept { return code_; }

private:
    Exit code_;
};

/// The exit code matching a zro error code (remote call outcomes and thrown errors).
Exit exit_for(ErrorCode code) noexcept;

// ---- options ------------------------------------------------------------------------------------
// CLI11 parses the command line and writes `zro -h` and `zro VERB -h` from the definitions below
// and each verb's own (Verb::define).

/// The options every verb takes: where to find hosts, security, output. Filled in by the parser
/// before the verb runs (add_common_options declares them).
struct CommonOptions {
    std::vector<std::string> url;         ///< --url URL, repeatable
    std::string registry;                 ///< --registry URL
    std::string interface;                ///< --interface IF
    std::optional<std::chrono::milliseconds> timeout_given;  ///< --timeout T, if given
    std::string key;                      ///< --key FILE
    std::vector<std::string> server_key;  ///< --server-key URL=KEY, repeatable
    std::string known_hosts;              ///< --known-hosts FILE
    bool json = false;                    ///< --json
    bool no_color = false;                ///< --no-color

    /// --timeout, or `fallback` when it was not given.
    std::chrono::milliseconds timeout(std::chrono::milliseconds fallback = std::chrono::seconds(5)) const;
    /// The URLs to use: every --url, else $ZRO_URL (split on commas). Empty if neither.
    std::vector<std::string> urls() const;
    /// Node options from the security options (--key, --server-key, --known-hosts); the rest
    /// default. Throws CliError(usage) for a bad key or a pin without --key.
    NodeOptions node_options() const;
};

/// Declares the common options on a verb's command, bound to `into`, in the help groups
/// "Hosts", "Security" and "Output".
void add_common_options(CLI::App& cmd, CommonOptions& into);

/// Declares a duration option ("3", "3s", "500ms", "1.5s", "2m"): a bad value is a usage error
/// naming the option, while parsing; a good one lands in `into`.
CLI::Option* add_duration_option(CLI::App& cmd, const std::string& names, std::optional<std::chrono::milliseconds>& into,
                                 const std::string& help);
/// A check for an integer option that must be at least 1 ("--count: 'zero' is not a positive number").
const CLI::Validator& positive_number();

/// "3 s", "500 ms", "1.5 s": a duration as error messages show it.
std::string format_duration(std::chrono::milliseconds d);

/// The exit code table as `zro -h` and every `zro VERB -h` print it.
std::string exit_codes_help();

// ---- verbs --------------------------------------------------------------------------------------

/// Runs a verb after its command line was parsed; returns the exit code.
using VerbRun = std::function<int(const CommonOptions&)>;

struct Verb {
    std::string name;
    int order = 0;            ///< position in `zro -h`
    std::string summary;      ///< one line: in `zro -h`, and atop `zro VERB -h`
    std::string details;      ///< `zro VERB -h` after the options: what the verb does, examples
    /// Declares the verb's own options and positional arguments on its CLI11 command, bound to
    /// variables the returned function reads when it runs the verb.
    std::function<VerbRun(CLI::App& cmd)> define;
};

/// Adds a verb to the table at static initialisation (one line per verb file).
struct VerbRegistration {
    explicit VerbRegistration(Verb verb);
};
/// Every registered verb, sorted by order.
std::vector<const Verb*> verbs();

// ---- output -------------------------------------------------------------------------------------

/// Terminal output: colour only when stdout (or stderr) is a terminal, NO_COLOR is unset,
/// TERM is not "dumb", and --no-color was not given.
struct Style {
    bool color = false;
    std::string bold(std::string_view s) const;
    std::string dim(std::string_view s) const;
    std::string green(std::string_view s) const;
    std::string yellow(std::string_view s) const;
    std::string red(std::string_view s) const;
    std::string cyan(std::string_view s) const;
};
/// The style for stdout (`for_stderr` false) or stderr.
Style style_for(const CommonOptions& common, bool for_stderr = false);

/// A table whose columns are aligned on output (ANSI colour codes do not count as width).
class Table {
public:
    void header(std::vector<std::string> cells) { header_ = std::move(cells); }
    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    bool empty() const noexcept { return rows_.empty(); }
    /// Prints header (bold if `style.color`) and rows, columns separated by two spaces.
    void print(std::FILE* out, const Style& style, std::string_view indent = "") const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

/// Writes `line` and a newline to stdout and flushes (so pipes see each line at once). Returns
/// false once stdout is closed (e.g. `zro watch ... | head -1`).
bool print_line(const std::string& line);

/// Wall clock time as "HH:MM:SS.mmm" (local) and as ISO 8601 UTC "2026-11-26T01:40:00.123Z".
std::string clock_time();
std::string iso_time();

/// A list of names for messages: "Bar, Baz" or "(none)".
std::string join_names(const std::vector<std::string>& names);

/// Reads lines from a file descriptor (stdin) without blocking the caller longer than asked, so
/// a verb can interleave reading with running its node's loop.
class LineReader {
public:
    explicit LineReader(int fd = 0) : fd_(fd) {}
    /// The next complete line (without the newline), waiting at most `wait` for input; nullopt if
    /// none is complete yet or at end of input (then `eof()`). A last line without a newline is
    /// returned at end of input.
    std::optional<std::string> next(std::chrono::milliseconds wait);
    bool eof() const noexcept { return eof_ && buffer_.empty(); }
    /// Number of lines returned so far (for "stdin line N" in messages).
    std::size_t line_number() const noexcept { return lines_; }

private:
    std::optional<std::string> take_line();
    int fd_;
    std::string buffer_;
    bool eof_ = false;
    std::size_t lines_ = 0;
};

// ---- process-wide stop (SIGINT / SIGTERM) --------------------------------------------------------

/// Verbs that run until interrupted register what to do on SIGINT/SIGTERM (called on another
/// thread: it must be thread-safe, e.g. `node.stop()`). Without one, a signal exits with 130.
void set_interrupt_handler(std::function<void()> fn);
/// Sets the interrupt handler for a scope, and clears it on exit from the scope.
struct InterruptScope {
    explicit InterruptScope(std::function<void()> fn) { set_interrupt_handler(std::move(fn)); }
    ~InterruptScope() { set_interrupt_handler(nullptr); }
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};
/// True once SIGINT/SIGTERM arrived.
bool interrupted() noexcept;

} // namespace zro::cli
