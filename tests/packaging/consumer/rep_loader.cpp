// zro — shared live objects over ZeroMQ.
// The installed idl component (find_package(zro COMPONENTS idl), zro::idl): loads the .rep file
// named on the command line at run time, as docs/IDL.md shows, and prints the class's signature
// and members; check_install.sh compares the signature with the one zroc prints for the file.
#include <zro/idl/ast.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: rep_loader FILE.rep CLASS\n";
        return 2;
    }
    try {
        const zro::Schema schema = zro::idl::to_schema(zro::idl::parse_file(argv[1]), argv[2]);
        std::cout << schema.type_name() << " " << schema.signature() << " properties=" << schema.properties().size()
                  << " methods=" << schema.methods().size() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "rep_loader: " << e.what() << "\n";
        return 1;
    }
}
