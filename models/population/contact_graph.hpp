// Who knows whom outside the list: the graph chain mail travels over.
//
// Vertices 0 .. members-1 are the list members; the rest are outsiders. A generated graph is
// realised on demand: the first time someone forwards, their degree is drawn from a power law
// with the configured mean, and each missing contact is either someone already in the graph
// (probability `overlap`, so chain mail reaches some people several times) or a new outsider.
// A loaded graph (edge-list file) exists whole from the start.
//
// Storage. A generated graph keeps contact lists only for the vertices that have some: the
// forwarders and those they chose (mega-list-1m seed 1 creates 10,768 outsiders). It used to
// keep one empty adjacency list per member (Boost's adjacency_list, and a vector of vectors
// beside it: 56 bytes a member, copied when the first outsider made both grow); dropping them
// took mega-list-10m's peak from 2,740,160 to 2,183,072 KiB and mega-list-1m's from 496,624 to
// 412,200 KiB, with the same results. A loaded graph is static: Boost.Graph's compressed sparse
// row graph, two arrays.
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/random.hpp"

namespace mailstorm::models {

class ContactGraph {
 public:
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
  // In the order they became v's contacts (for a loaded graph: the order of the file's lines).
  // Valid until the next call.
  std::span<const Vertex> contacts(Vertex v, sim::RandomStream& rng);
  // Whether v's contacts have been drawn (always, for a loaded graph), and how many it has.
  bool realised(Vertex v) const;
  std::size_t degree(Vertex v) const;
  // How many realised vertices have each degree: entry d counts those with d contacts.
  std::vector<std::uint64_t> degree_counts() const;
  std::uint32_t vertex_count() const { return vertex_count_; }
  std::uint32_t members() const { return members_; }
  // Vertices that hold contact lists (a generated graph's forwarders and their contacts).
  std::size_t stored_vertices() const { return generated_ ? touched_.size() : vertex_count_; }
  // Draws a degree from the generated shape (exposed for tests of the degree distribution).
  std::uint32_t draw_degree(sim::RandomStream& rng) const;

 private:
  ContactGraph() = default;

  struct Touched {
    std::vector<Vertex> contacts;
    bool realised = false;
  };
  // Undirected, stored as both directions, each vertex's out-edges in the file's order.
  using Loaded = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                    boost::no_property, Vertex, std::size_t>;

  std::uint32_t members_ = 0;
  std::uint32_t vertex_count_ = 0;
  bool generated_ = true;
  GeneratedShape shape_{};
  std::unordered_map<Vertex, Touched> touched_;  // generated: vertices with contacts (node-based: stable references)
  Loaded loaded_;                                // loaded from a file
};

}  // namespace mailstorm::models
