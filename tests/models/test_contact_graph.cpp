// The contact graph: contacts realised on demand (undirected, no self-loops, no repeats), new
// outsiders numbered after everyone else, storage only for vertices with contacts, the degree
// law, and an edge list loaded in the file's order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "models/analysis/cascade_stats.hpp"
#include "models/population/contact_graph.hpp"
#include "sim/random.hpp"

using namespace mailstorm;
using models::ContactGraph;
using Vertex = ContactGraph::Vertex;

namespace {
std::vector<Vertex> list(std::span<const Vertex> s) { return {s.begin(), s.end()}; }

std::filesystem::path write_edges(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("contact graph: realising a vertex draws its contacts, both ways, without repeats",
          "[graph]") {
  const std::uint32_t members = 5000;
  ContactGraph g(members, {.mean_degree = 20, .exponent = 2.5, .overlap = 0.3});
  CHECK(g.vertex_count() == members);
  CHECK(g.stored_vertices() == 0);
  CHECK_FALSE(g.realised(17));
  CHECK(g.degree(17) == 0);

  sim::StreamFamily streams(7, 0);
  std::set<Vertex> forwarders;
  for (Vertex v = 0; v < 200; ++v) {
    sim::RandomStream rng = streams.stream(v);
    const Vertex who = v * 23 % members;
    forwarders.insert(who);
    const auto c = list(g.contacts(who, rng));
    REQUIRE_FALSE(c.empty());
    CHECK(g.realised(who));
    CHECK(g.degree(who) == c.size());
    CHECK(std::find(c.begin(), c.end(), who) == c.end());  // no self-loop
    CHECK(std::set<Vertex>(c.begin(), c.end()).size() == c.size());  // no contact twice
    for (const Vertex u : c) REQUIRE(u < g.vertex_count());
    // Asking again gives the same list and draws nothing.
    sim::RandomStream again = streams.stream(999);
    const sim::RandomStream before = again;
    CHECK(list(g.contacts(who, again)) == c);
    CHECK(again.next_u64() == sim::RandomStream(before).next_u64());
  }
  // Undirected: whoever is someone's contact has them as a contact, realised or not.
  std::size_t outsiders = 0;
  for (const Vertex v : forwarders) {
    sim::RandomStream unused = streams.stream(0);
    for (const Vertex u : list(g.contacts(v, unused))) {
      outsiders += u >= members;
      if (g.realised(u)) {
        const auto back = list(g.contacts(u, unused));
        CHECK(std::find(back.begin(), back.end(), v) != back.end());
      } else {
        CHECK(g.degree(u) >= 1);
      }
    }
  }
  CHECK(outsiders > 0);
  // New outsiders are numbered from `members` on, one after the other.
  CHECK(g.vertex_count() > members);
  // Only vertices with contacts are stored: the forwarders and the contacts they chose.
  CHECK(g.stored_vertices() < members);
  CHECK(g.stored_vertices() >= forwarders.size());
}

TEST_CASE("contact graph: degree counts cover exactly the realised vertices", "[graph]") {
  ContactGraph g(1000, {});
  sim::StreamFamily streams(3, 1);
  std::vector<std::uint64_t> expected;
  std::set<Vertex> realised;
  for (Vertex v = 0; v < 300; v += 3) {
    sim::RandomStream rng = streams.stream(v);
    g.contacts(v, rng);
    realised.insert(v);
  }
  // Some contacts of theirs, realised later, already had a contact or more.
  for (Vertex v = 1000; v < 1010 && v < g.vertex_count(); ++v) {
    sim::RandomStream rng = streams.stream(v);
    g.contacts(v, rng);
    realised.insert(v);
  }
  for (const Vertex v : realised) {
    const std::size_t d = g.degree(v);
    if (expected.size() <= d) expected.resize(d + 1, 0);
    ++expected[d];
  }
  CHECK(g.degree_counts() == expected);
}

TEST_CASE("contact graph: a graph with nobody to overlap with adds outsiders", "[graph]") {
  // Two members, every contact wanted from the graph: after 16 misses it adds outsiders.
  ContactGraph g(2, {.mean_degree = 50, .exponent = 2.5, .overlap = 1.0});
  sim::StreamFamily streams(1, 0);
  sim::RandomStream rng = streams.stream(0);
  const auto c = list(g.contacts(0, rng));
  CHECK(c.size() == g.degree(0));
  CHECK(std::count(c.begin(), c.end(), Vertex{1}) <= 1);
  CHECK(std::count_if(c.begin(), c.end(), [](Vertex u) { return u >= 2; }) + (std::count(c.begin(), c.end(), Vertex{1})) ==
        static_cast<std::ptrdiff_t>(c.size()));
  CHECK(g.vertex_count() == 2 + std::count_if(c.begin(), c.end(), [](Vertex u) { return u >= 2; }));
}

TEST_CASE("contact graph: drawn degrees follow the target law (chi-square, 0.01)", "[graph][stat]") {
  // 100,000 degrees against analysis::target_degree_pmf (the law the branching analysis uses),
  // in bins with at least 50 expected each. Three seeds; each must pass at 0.01 / 3.
  const ContactGraph g(10, {.mean_degree = 20, .exponent = 2.5, .overlap = 0.1});
  const std::size_t max_d = 10000;
  const auto pmf = models::analysis::target_degree_pmf(20, 2.5, max_d);
  const int n = 100000;
  // Bins: consecutive degrees merged until the expected count reaches 50.
  std::vector<std::size_t> bin_of(max_d + 1);
  std::vector<double> expected;
  double acc = 0;
  for (std::size_t d = 0; d <= max_d; ++d) {
    if (expected.empty() || acc >= 50.0) {
      expected.push_back(0);
      acc = 0;
    }
    bin_of[d] = expected.size() - 1;
    expected.back() += pmf[d] * n;
    acc += pmf[d] * n;
  }
  if (expected.size() > 1 && expected.back() < 50.0) {  // fold a short last bin into the one before
    expected[expected.size() - 2] += expected.back();
    expected.pop_back();
    for (auto& b : bin_of) b = std::min(b, expected.size() - 1);
  }
  REQUIRE(expected.size() > 20);
  const double critical = boost::math::quantile(
      boost::math::complement(boost::math::chi_squared(static_cast<double>(expected.size() - 1)), 0.01 / 3));
  for (const std::uint64_t seed : {1, 2, 3}) {
    sim::RandomStream rng(seed, 0, 42);
    std::vector<double> observed(expected.size(), 0);
    for (int i = 0; i < n; ++i) {
      const std::uint32_t d = g.draw_degree(rng);
      REQUIRE(d >= 1);
      REQUIRE(d <= max_d);
      observed[bin_of[d]] += 1;
    }
    double chi2 = 0;
    for (std::size_t b = 0; b < expected.size(); ++b)
      chi2 += (observed[b] - expected[b]) * (observed[b] - expected[b]) / expected[b];
    INFO("seed " << seed << ": chi-square " << chi2 << " on " << expected.size() - 1 << " df, critical " << critical);
    CHECK(chi2 < critical);
  }
}

TEST_CASE("contact graph: the chi-square test above catches a degree law with the wrong mean", "[graph][stat]") {
  // Power: degrees drawn for mean 22 fail the test for mean 20.
  const ContactGraph wrong(10, {.mean_degree = 22, .exponent = 2.5, .overlap = 0.1});
  const auto pmf = models::analysis::target_degree_pmf(20, 2.5, 10000);
  const int n = 100000;
  std::vector<double> observed(64, 0), expected(64, 0);
  for (std::size_t d = 0; d < pmf.size(); ++d) expected[std::min<std::size_t>(d, 63)] += pmf[d] * n;
  sim::RandomStream rng(1, 0, 42);
  for (int i = 0; i < n; ++i) observed[std::min<std::size_t>(wrong.draw_degree(rng), 63)] += 1;
  double chi2 = 0;
  std::size_t bins = 0;
  for (std::size_t b = 0; b < 64; ++b)
    if (expected[b] > 0) {
      chi2 += (observed[b] - expected[b]) * (observed[b] - expected[b]) / expected[b];
      ++bins;
    }
  const double critical =
      boost::math::quantile(boost::math::complement(boost::math::chi_squared(static_cast<double>(bins - 1)), 0.01 / 3));
  CHECK(chi2 > critical);
}

TEST_CASE("contact graph: an edge list is loaded whole, in the file's order", "[graph]") {
  const auto path = write_edges("mailstorm-test-graph-order.edges",
                                "# u v\n0 5\n0 3   # a comment\n\n2 0\n4 4\n0 3\n7 1\n");
  ContactGraph g = ContactGraph::from_edge_list(path.string(), 3);
  CHECK(g.vertex_count() == 8);  // vertices 0..7: members 0..2, outsiders 3..7
  CHECK(g.members() == 3);
  sim::RandomStream unused(1, 0, 0);
  CHECK(list(g.contacts(0, unused)) == std::vector<Vertex>{5, 3, 2, 3});  // the parallel edge kept
  CHECK(list(g.contacts(3, unused)) == std::vector<Vertex>{0, 0});
  CHECK(list(g.contacts(4, unused)).empty());  // a self-loop reaches nobody
  CHECK(list(g.contacts(6, unused)).empty());  // on no line
  CHECK(list(g.contacts(1, unused)) == std::vector<Vertex>{7});
  CHECK(g.realised(6));
  CHECK(g.degree(0) == 4);
  // Degrees: 0 four, 1 one, 2 one, 3 two, 4 none, 5 one, 6 none, 7 one.
  CHECK(g.degree_counts() == std::vector<std::uint64_t>{2, 4, 1, 0, 1});
  std::filesystem::remove(path);

  // Fewer vertices in the file than members: the members are all there.
  const auto small = write_edges("mailstorm-test-graph-small.edges", "0 1\n");
  CHECK(ContactGraph::from_edge_list(small.string(), 100).vertex_count() == 100);
  std::filesystem::remove(small);
}

TEST_CASE("contact graph: a bad edge list names its file and line", "[graph]") {
  const auto path = write_edges("mailstorm-test-graph-bad.edges", "0 1\n\n2 x\n");
  try {
    ContactGraph::from_edge_list(path.string(), 3);
    FAIL("no error for a bad edge list");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("mailstorm-test-graph-bad.edges:3") && Catch::Contains("two vertex numbers"));
  }
  const auto extra = write_edges("mailstorm-test-graph-extra.edges", "0 1 2\n");
  CHECK_THROWS_WITH(ContactGraph::from_edge_list(extra.string(), 3),
                    Catch::Contains("mailstorm-test-graph-extra.edges:1") && Catch::Contains("unexpected '2'"));
  CHECK_THROWS_WITH(ContactGraph::from_edge_list("/nonexistent/graph.edges", 3), Catch::Contains("cannot open"));
  std::filesystem::remove(path);
  std::filesystem::remove(extra);
}
