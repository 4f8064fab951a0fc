// An M/M/c queue on the engine, checked against the Erlang C formulas: the engine, its queues,
// the exponential sampler and the batch-means statistics must agree with queueing theory.
#include <cmath>
#include <cstdint>
#include <deque>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/engine.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"
#include "sim/time.hpp"

using namespace mailstorm::sim;

namespace {

struct QueueParameters {
  double arrival_rate;  // lambda, per second
  double service_rate;  // mu, per second, per server
  int servers;          // c
  std::uint64_t customers_per_batch;
  int batches;
  double max_relative_error;
};

// Erlang C: probability an arrival waits, and the mean wait in queue.
struct ErlangC {
  double p_wait, mean_wait_s;
};

ErlangC erlang_c(const QueueParameters& q) {
  const double a = q.arrival_rate / q.service_rate;  // offered load in Erlangs
  const double rho = a / q.servers;
  double term = 1, sum = 0;  // term = a^k / k!
  for (int k = 0; k < q.servers; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term / (1 - rho);
  const double p_wait = top / (sum + top);
  return {p_wait, p_wait / (q.servers * q.service_rate - q.arrival_rate)};
}

struct QueueEvent {
  enum Kind : std::uint8_t { arrival, departure } kind;
};

struct BatchResults {
  std::vector<double> p_wait, mean_wait_s;  // one per batch
  std::uint64_t events = 0;
};

// FIFO M/M/c: arrivals and services from two streams, so both queue kinds see the same draws.
// The first batch's worth of customers is discarded as warm-up (the queue starts empty).
BatchResults simulate(const QueueParameters& q, QueueKind kind, std::uint64_t seed) {
  Engine<QueueEvent> engine(kind);
  RandomStream arrivals(seed, 0, 0), services(seed, 0, 1);
  std::deque<Time> waiting;  // arrival times of those in queue
  int busy = 0;
  const std::uint64_t warmup = q.customers_per_batch;
  const std::uint64_t total = warmup + q.customers_per_batch * static_cast<std::uint64_t>(q.batches);
  std::uint64_t arrived = 0, started = 0;

  BatchResults out;
  double batch_waited = 0, batch_wait_s = 0;
  // Customers are numbered in arrival order, which is service order (FIFO), so the customer
  // starting service is number `started`; its arrival found all servers busy iff it waited.
  auto record = [&](bool waited, double wait_s) {
    if (started >= warmup) {
      batch_waited += waited ? 1 : 0;
      batch_wait_s += wait_s;
      if ((started - warmup + 1) % q.customers_per_batch == 0) {
        const auto n = static_cast<double>(q.customers_per_batch);
        out.p_wait.push_back(batch_waited / n);
        out.mean_wait_s.push_back(batch_wait_s / n);
        batch_waited = batch_wait_s = 0;
      }
    }
    ++started;
  };
  auto start_service = [&] {
    ++busy;
    // Default priority for both kinds: a service time that rounds to 0 us puts a departure at
    // the current instant, which a higher priority would be refused as pre-emption.
    engine.schedule_after(seconds_f(services.exponential(q.service_rate)), {QueueEvent::departure});
  };

  engine.schedule(Time::zero() + seconds_f(arrivals.exponential(q.arrival_rate)), {QueueEvent::arrival});
  engine.run([&](const QueueEvent& e) {
    if (e.kind == QueueEvent::arrival) {
      ++arrived;
      if (arrived < total)
        engine.schedule_after(seconds_f(arrivals.exponential(q.arrival_rate)), {QueueEvent::arrival});
      if (busy < q.servers) {
        record(false, 0.0);
        start_service();
      } else {
        waiting.push_back(engine.now());
      }
    } else {
      --busy;
      if (!waiting.empty()) {
        record(true, (engine.now() - waiting.front()).seconds());
        waiting.pop_front();
        start_service();
      }
    }
  });
  out.events = engine.events_handled();
  return out;
}

// Mean of the batch means and the half-width of its 99 % Student-t interval.
ConfidenceInterval batch_interval(const std::vector<double>& batch_means) {
  RunningStats s;
  for (double x : batch_means) s.add(x);
  return s.confidence_interval(0.99);
}

}  // namespace

TEST_CASE("M/M/c queue on the engine matches Erlang C", "[engine][mmc][statistical]") {
  // Batches of customers long against the queue's relaxation time (about 1 / (c mu (1 -
  // sqrt(rho))^2): ~400 s at rho 0.95 with c = 4), so batch means are close to independent.
  // Each check: the formula lies in the 99 % batch-means interval (false-failure probability
  // ~0.01 each if the batches were exactly independent and normal), and the relative error of
  // the estimate is below max_relative_error.
  const QueueParameters cases[] = {
      {0.5, 1.0, 1, 20'000, 30, 0.03},    // M/M/1, rho 0.5
      {1.6, 1.0, 2, 40'000, 30, 0.04},    // M/M/2, rho 0.8
      {5.6, 1.0, 8, 20'000, 30, 0.04},    // M/M/8, rho 0.7
      {3.8, 1.0, 4, 200'000, 30, 0.08},   // M/M/4, rho 0.95: long relaxation, long batches
      {9.5, 10.0, 1, 100'000, 40, 0.10},  // M/M/1, rho 0.95, short service times
  };
  std::uint64_t seed = 100;
  for (const QueueParameters& q : cases) {
    ++seed;
    const ErlangC theory = erlang_c(q);
    std::vector<BatchResults> by_kind;
    for (QueueKind kind : kAllQueueKinds) by_kind.push_back(simulate(q, kind, seed));

    INFO("lambda " << q.arrival_rate << " mu " << q.service_rate << " c " << q.servers);
    // Same seed, same total order of events: every queue kind gives the same run, bit for bit.
    REQUIRE(by_kind.size() == 2);
    CHECK(by_kind[0].events == by_kind[1].events);
    CHECK(by_kind[0].p_wait == by_kind[1].p_wait);
    CHECK(by_kind[0].mean_wait_s == by_kind[1].mean_wait_s);

    const BatchResults& r = by_kind[0];
    REQUIRE(r.p_wait.size() == static_cast<std::size_t>(q.batches));
    const ConfidenceInterval p_ci = batch_interval(r.p_wait);
    const ConfidenceInterval w_ci = batch_interval(r.mean_wait_s);
    const double p_hat = (p_ci.low + p_ci.high) / 2, w_hat = (w_ci.low + w_ci.high) / 2;
    INFO("P(wait): Erlang C " << theory.p_wait << ", simulated " << p_hat << " +- " << p_ci.half_width);
    INFO("Wq: Erlang C " << theory.mean_wait_s << " s, simulated " << w_hat << " +- " << w_ci.half_width);
    CHECK(p_ci.low <= theory.p_wait);
    CHECK(theory.p_wait <= p_ci.high);
    CHECK(w_ci.low <= theory.mean_wait_s);
    CHECK(theory.mean_wait_s <= w_ci.high);
    CHECK(std::fabs(p_hat / theory.p_wait - 1) < q.max_relative_error);
    CHECK(std::fabs(w_hat / theory.mean_wait_s - 1) < q.max_relative_error);
  }
}

TEST_CASE("Erlang C formula against textbook values", "[mmc]") {
  // M/M/1: P(wait) = rho, Wq = rho / (mu - lambda).
  const ErlangC m1 = erlang_c({0.5, 1.0, 1, 1, 1, 0});
  CHECK(m1.p_wait == Approx(0.5));
  CHECK(m1.mean_wait_s == Approx(1.0));
  // M/M/2 with a = 1.6: C = a^2/2 / (1 - 0.8) / (1 + a + a^2/2/(1 - 0.8)) = 6.4 / 9.0.
  const ErlangC m2 = erlang_c({1.6, 1.0, 2, 1, 1, 0});
  CHECK(m2.p_wait == Approx(6.4 / 9.0));
  CHECK(m2.mean_wait_s == Approx(6.4 / 9.0 / 0.4));
}
