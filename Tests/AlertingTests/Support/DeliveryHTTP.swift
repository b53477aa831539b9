import Alerting

/// The test process's delivery client, as `netmon serve` has one: every sender and request of these suites goes
/// through it. It lives as long as the test process (a global is never released), like the server's lives as long
/// as the server.
let deliveryHTTP = DeliveryHTTPClient()
