// zro — shared live objects over ZeroMQ.
// Signature mismatch: a static replica generated from tests/idl/reps/mismatch/<change>.rep
// against a source generated from tests/idl/reps/sig_base.rep. Every change of count, type,
// mode or order of properties, signals, methods or enum values puts the replica in
// SignatureMismatch, naming both signatures; a change of names or defaults only does not.

#include "rep_enum_order_replica.h"
#include "rep_enum_value_replica.h"
#include "rep_property_count_replica.h"
#include "rep_property_mode_replica.h"
#include "rep_property_order_replica.h"
#include "rep_property_type_replica.h"
#include "rep_same_replica.h"
#include "rep_sig_base_merged.h"
#include "rep_signal_count_replica.h"
#include "rep_signal_param_type_replica.h"
#include "rep_slot_order_replica.h"
#include "rep_slot_param_count_replica.h"
#include "rep_slot_return_type_replica.h"

#include <gtest/gtest.h>

#include "support/nodes.hpp"

using namespace std::chrono_literals;
using zro::test::fast;
using zro::test::pump_until;

namespace {

class Base : public sig_base::SigSimpleSource {
public:
    std::int32_t twice(std::int32_t y) override { return 2 * y; }
    void reset() override {}
};

template <class R> class Mismatch : public ::testing::Test {};
using Variants = ::testing::Types<sig_property_count::SigReplica, sig_property_type::SigReplica, sig_property_order::SigReplica,
                                  sig_property_mode::SigReplica, sig_signal_param_type::SigReplica, sig_signal_count::SigReplica,
                                  sig_slot_param_count::SigReplica, sig_slot_return_type::SigReplica, sig_slot_order::SigReplica,
                                  sig_enum_value::SigReplica, sig_enum_order::SigReplica>;
TYPED_TEST_SUITE(Mismatch, Variants);

} // namespace

TYPED_TEST(Mismatch, ReplicaRefusesTheSourceNamingBothSignatures) {
    EXPECT_NE(TypeParam::signature, sig_base::SigInterface::signature);
    zro::Host host("tcp://127.0.0.1:*", fast());
    Base src;
    auto reg = host.enable_remoting(src, "Sig");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire<TypeParam>("Sig");
    EXPECT_EQ(rep->state(), zro::ReplicaState::defaulted);
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->state() == zro::ReplicaState::signature_mismatch; }));
    const std::string& why = rep->last_reason();
    EXPECT_NE(why.find(std::string(TypeParam::signature)), std::string::npos) << why;
    EXPECT_NE(why.find(std::string(sig_base::SigInterface::signature)), std::string::npos) << why;
    EXPECT_EQ(rep->source_signature(), sig_base::SigInterface::signature);
}

TEST(Signature, NamesAndDefaultsDoNotCount) {
    EXPECT_EQ(sig_same::SigInterface::signature, sig_base::SigInterface::signature);
    zro::Host host("tcp://127.0.0.1:*", fast());
    Base src;
    auto reg = host.enable_remoting(src, "Sig");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire<sig_same::SigReplica>("Sig");
    EXPECT_EQ(rep->a(), 42);  // its own defaults until the source answers
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    EXPECT_EQ(rep->a(), 1);
    auto r = rep->twice(21);
    ASSERT_TRUE(pump_until(host, client, [&] { return r.finished(); }));
    EXPECT_EQ(r.value(), 42);
}
