// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Google Test checks for zro::Error: what a statement threw (code and message), and
/// EXPECT_ZRO_ERROR, which checks both. Header-only; the test links zro::zro and GTest.

#include <zro/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace zro::test {

/// What a call threw: its code and message, or `ok` and "" when it did not throw.
struct Thrown {
    zro::ErrorCode code = zro::ErrorCode::ok;
    std::string message;
};

template <class F> Thrown thrown(F&& f) {
    try {
        f();
    } catch (const zro::Error& e) {
        return {e.code(), e.what()};
    }
    return {};
}

} // namespace zro::test

/// Expects `stmt` to throw a zro::Error with `expected_code` and exactly `expected_message`.
#define EXPECT_ZRO_ERROR(stmt, expected_code, expected_message)                                 \
    do {                                                                                        \
        const ::zro::test::Thrown t_ = ::zro::test::thrown([&] { (void)(stmt); });              \
        EXPECT_EQ(t_.code, expected_code) << #stmt << " threw: " << t_.message;                 \
        EXPECT_EQ(t_.message, expected_message) << #stmt;                                       \
    } while (0)
