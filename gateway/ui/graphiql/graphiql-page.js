// Starts GraphiQL on the page that /graphql serves to a browser: queries and mutations go to
// this same URL over HTTP, subscriptions over a WebSocket to it. The URL's `q` and
// `variables` parameters fill the editors, so a link can share a document.
(function () {
  'use strict';

  const WELCOME = `# GraphiQL for the billing portal gateway.
#
# Put a credential in the Headers tab below, for example
#   {"Authorization": "Bearer <access token>"}
# then run a query with Ctrl-Enter, such as:
#
#   query Welcome { session { customerId } }
`;

  const parameters = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    const search = parameters.toString();
    history.replaceState(null, '', search ? `?${search}` : window.location.pathname);
  }

  const url = window.location.href.split('?')[0].split('#')[0];
  const socketUrl = new URL(url);
  socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl: socketUrl.toString() });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function Page() {
    const [query, setQuery] = React.useState(parameters.get('q') || WELCOME);
    const [variables, setVariables] = React.useState(parameters.get('variables') || undefined);
    return React.createElement(GraphiQL, {
      fetcher,
      plugins: [explorer],
      query,
      variables,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
      onEditQuery(value) {
        setQuery(value);
        remember('q', value);
      },
      onEditVariables(value) {
        setVariables(value);
        remember('variables', value);
      },
    });
  }

  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(Page));
})();
