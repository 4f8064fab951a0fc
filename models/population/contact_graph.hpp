// Who knows whom outside the list: the graph chain mail travels over (Boost.Graph).
//
// Vertices 0 .. members-1 are the list members; the rest are outsiders. A generated graph is
// realised on demand: the first time someone forwards, their degree is drawn from a power law
// with the configured mean, and each missing contact is either someone already in the graph
// (probability `overlap`, so chain mail reaches some people several times) or a new outsider.
// A loaded graph (edge-list file) exists whole from the start.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/random.hpp"

namespace mailstorm::models {

class ContactGraph {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  using Vertex = std::uint32_t;

  struct GeneratedShape {
    double mean_degree = 20;
    double exponent = 2.5;  // P(degree >= d) ~ d^-(exponent-1)
    double overlap = 0.1;
    std::uint32_t max_degree = 10000;
  };

  // A graph realised on demand.
  ContactGraph(std::uint32_t members, GeneratedShape shape);
  // A graph loaded from an edge list ("u v" per line, '#' comments); vertices below `members`
  // are the members. Throws std::runtime_error naming the file and line on bad input.
  static ContactGraph from_edge_list(const std::string& path, std::uint32_t members);

  // The contacts of v, realising them first if the graph is generated. `rng` is v's own stream.
  const std::vector<Vertex>& contacts(Vertex v, sim::RandomStream& rng);
  // Whether v's contacts have been drawn (always, for a loaded graph), and how many it has.
  bool realised(Vertex v) const { return realised_[v]; }
  std::size_t degree(Vertex v) const { return cache_[v].size(); }
  std::uint32_t vertex_count() const { return static_cast<std::uint32_t>(boost::num_vertices(graph_)); }
  std::uint32_t members() const { return members_; }
  const Graph& graph() const { return graph_; }
  // Draws a degree from the generated shape (exposed for tests of the degree distribution).
  std::uint32_t draw_degree(sim::RandomStream& rng) const;

 private:
  ContactGraph() = default;
  Vertex add_vertex();

  Graph graph_;
  std::uint32_t members_ = 0;
  bool generated_ = true;
  GeneratedShape shape_{};
  std::vector<bool> realised_;
  std::vector<std::vector<Vertex>> cache_;  // contacts as a vector, kept in step with graph_
};

}  // namespace mailstorm::models
