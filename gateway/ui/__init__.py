"""The reference customer portal: static HTML, CSS and JavaScript modules on the GraphQL API."""
