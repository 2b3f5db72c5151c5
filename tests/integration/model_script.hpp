// zro — shared live objects over ZeroMQ.
#pragma once
// A deterministic script of model operations, shared by zro_model_peer (which applies it to the
// model it shares) and the tests (which apply it to a model of their own: the oracle the replica
// must end equal to). Same seed, same operations, in any process of this build.

#include <zro/standard_item_model.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace zro::test {

inline constexpr std::size_t script_display = 0, script_number = 1;

/// A model of `rows` rows × 2 columns, roles display and number.
inline void script_fill(StandardItemModel& m, std::size_t rows) {
    m.insert_rows({}, 0, rows);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < 2; ++c) {
            m.set_value({}, r, c, script_display, "r" + std::to_string(r) + "c" + std::to_string(c));
            m.set_value({}, r, c, script_number, static_cast<std::int64_t>(r * 2 + c));
        }
}

/// `count` operations drawn from `seed`: rows inserted, removed and moved, and values changed,
/// mostly near the top (where replicas' windows are), the model kept between 200 and 3000 rows.
inline void script_ops(StandardItemModel& m, std::uint64_t seed, std::size_t count) {
    std::mt19937_64 rng(seed);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t n = m.row_count({});
        const std::size_t near = 1 + (rng() % 2 ? std::min<std::size_t>(n, 150) : n);
        const std::uint64_t kind = rng() % 10;
        if ((kind < 2 && n < 3000) || n < 200) {
            const std::size_t at = rng() % std::min(near, n + 1), k = 1 + rng() % 3;
            m.insert_rows({}, at, k);
            m.set_value({}, at, 0, script_display, "ins" + std::to_string(i));
        } else if (kind < 4) {
            const std::size_t k = 1 + rng() % 3, at = rng() % std::min(near, n - k);
            m.remove_rows({}, at, k);
        } else if (kind < 5) {
            const std::size_t k = 1 + rng() % 3, from = rng() % std::min(near, n - k), to = rng() % std::min(near, n - k);
            m.move_rows({}, from, k, {}, to);
        } else {
            m.set_value({}, rng() % std::min(near, n), rng() % 2, rng() % 2 ? script_display : script_number,
                        static_cast<std::int64_t>(i));
        }
    }
}

/// Operations are made in steps of this many per loop turn, step k drawn from seed + k.
inline constexpr std::size_t script_step = 1000;

/// What `ops COUNT SEED` does to the peer's model, all at once (the test's oracle).
inline void script_run(StandardItemModel& m, std::size_t count, std::uint64_t seed) {
    for (std::uint64_t k = 0; count > 0; ++k) {
        const std::size_t n = std::min(count, script_step);
        script_ops(m, seed + k, n);
        count -= n;
    }
}

/// One row as the peer prints it and the test compares it: "<display>|<number>|<display>|<number>".
inline std::string script_row(const Value& d0, const Value& n0, const Value& d1, const Value& n1) {
    return d0.to_string() + "|" + n0.to_string() + "|" + d1.to_string() + "|" + n1.to_string();
}

} // namespace zro::test
