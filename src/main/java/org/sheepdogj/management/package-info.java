/**
 * What operators see of a node: the management HTTP server (Pekko Management's cluster routes, our read-only JSON
 * under {@code /v1}, Prometheus metrics, the status page) and the node's JMX MBean. It reads the layers below it and
 * changes nothing in them; the only hook it needs is the gateway's {@link org.sheepdogj.gateway.RequestObserver}.
 */
package org.sheepdogj.management;
