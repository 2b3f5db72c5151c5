// zro — shared live objects over ZeroMQ.
// A minimal consumer of the installed package: checks that headers, library and its
// dependencies are found and link.
#include <zro/zro.hpp>

#include <iostream>

int main() {
    zro::Value v{1, "two"};
    std::cout << v.to_string() << std::endl;
    return v.is_list() && v.size() == 2 ? 0 : 1;
}
