// zro — shared live objects over ZeroMQ.
// A type zro knows nothing about: no zro::external_type<Unspecialized>, no conversions.
#pragma once

struct Unspecialized {
    int n = 0;
    friend bool operator==(const Unspecialized&, const Unspecialized&) = default;
};
