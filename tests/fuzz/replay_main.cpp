// zro — the main() of every fuzz target's replay binary (fuzz_<name>_replay): feeds each file
// given, or each file of each directory given, to the target's LLVMFuzzerTestOneInput, as
// libFuzzer does with a corpus. The target's own checks abort on a finding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
// Returns 1 if the file cannot be read, else 0.
int replay_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", p.c_str());
        return 1;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    int errors = 0, files = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file()) errors += replay_file(entry.path()), ++files;
        } else {
            errors += replay_file(arg), ++files;
        }
    }
    std::printf("%s: replayed %d inputs, %d unreadable\n", std::filesystem::path(argv[0]).filename().c_str(), files, errors);
    return errors == 0 ? 0 : 1;
}
