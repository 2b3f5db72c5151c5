// zro — shared live objects over ZeroMQ.
// A replica destroyed from another thread while its node's loop delivers events to it: no
// callback may reach the object once its most-derived destructor has started, and the subclass
// does nothing in its destructor to get that (zro::Replica's operator delete does it). Built into
// zro_loop_tests, which the ThreadSanitizer build runs; ASan sees a use after destruction as a
// heap-use-after-free on the subclass's vector.

#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

using namespace std::chrono_literals;

namespace {

zro::Schema ticker_schema() {
    zro::Schema s("Ticker");
    s.add_property("tick", "int64", 0, zro::PropertyMode::read_only);
    return s;
}

zro::NodeOptions fast() {
    zro::NodeOptions o;
    o.heartbeat_interval = 50ms;
    return o;
}

/// Calls that reached a replica after its destructor began (must stay 0).
std::atomic<int> calls_into_destroyed{0};
/// Events delivered to the live replica (to know the stream is flowing).
std::atomic<int> delivered{0};

/// Written the way a user writes a replica: no detach(), no locking in the destructor.
class TickerReplica : public zro::Replica {
public:
    TickerReplica() = default;
    ~TickerReplica() override {
        destroying_ = true;
        // Leave the loop time to call in, were it still allowed to.
        std::this_thread::sleep_for(5ms);
        seen_.clear();
    }

protected:
    const zro::Schema* zro_expected_schema() const noexcept override {
        static const zro::Schema schema = ticker_schema();
        return &schema;
    }
    std::vector<std::size_t> zro_apply_snapshot(const zro::Schema&, std::vector<zro::Value>) override { return {}; }
    void zro_notify_property_changed(std::size_t) override {}
    void zro_apply_property(std::size_t, zro::Value value) override {
        if (destroying_) ++calls_into_destroyed;
        std::this_thread::sleep_for(100us);  // a slow callback: widens the window for a race
        seen_.push_back(value.as<std::int64_t>());
        ++delivered;
    }
    void zro_apply_signal(std::size_t, std::vector<zro::Value>) override {}

private:
    std::atomic<bool> destroying_{false};
    std::vector<std::int64_t> seen_;
};

/// A host on its own thread whose source changes every millisecond.
struct TickingHost {
    zro::Host host{"tcp://127.0.0.1:*", fast()};
    zro::DynamicSource source{ticker_schema()};
    zro::Registration registration;
    std::int64_t n = 0;
    TickingHost() {
        registration = host.enable_remoting(source, "Ticker");
        host.add_timer(1ms, [this] { source.set_property("tick", ++n); });
        host.start();
    }
    ~TickingHost() { host.stop(); }  // before the source goes: the timer's thread uses it
};

bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

} // namespace

TEST(ReplicaLifetime, SubclassDestroyedFromAnotherThreadWhileEventsArrive) {
    TickingHost h;
    zro::Node client(fast());
    client.connect_to(h.host.url());
    client.start();
    for (int round = 0; round < 10; ++round) {
        delivered = 0;
        auto replica = client.acquire<TickerReplica>("Ticker");
        ASSERT_TRUE(wait_for([] { return delivered.load() >= 5; }, 5s)) << "round " << round << ": no events";
        replica.reset();  // on the test thread, while the loop thread delivers
    }
    EXPECT_EQ(calls_into_destroyed.load(), 0);
}

TEST(ReplicaLifetime, DynamicReplicaDestroyedFromAnotherThreadWhileEventsArrive) {
    TickingHost h;
    zro::Node client(fast());
    client.connect_to(h.host.url());
    client.start();
    for (int round = 0; round < 10; ++round) {
        std::atomic<int> seen{0};
        auto replica = client.acquire_dynamic("Ticker");
        std::promise<void> connected;
        client.post([&] {
            replica->on_property_changed([&seen](std::string_view, const zro::Value&) {
                std::this_thread::sleep_for(100us);
                ++seen;
            });
            connected.set_value();
        });
        connected.get_future().wait();
        ASSERT_TRUE(wait_for([&] { return seen.load() >= 5; }, 5s)) << "round " << round << ": no events";
        replica.reset();
        const int at_destruction = seen.load();
        std::this_thread::sleep_for(10ms);
        EXPECT_EQ(seen.load(), at_destruction) << "a callback ran after the replica was destroyed";
    }
}
