//! The harness itself: start, answer, reset, and stop by PID.

use perimeter_testkit::Emulator;

#[test]
fn two_emulators_run_side_by_side_and_stop_when_dropped() {
    let a = Emulator::start();
    let b = Emulator::start();
    assert_ne!(a.port(), b.port());
    a.reset();
    b.reset();
    let port = a.port();
    drop(a);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the emulator on port {port} still answers after its handle dropped"
    );
}

#[test]
fn an_emulator_is_stopped_when_its_test_panics() {
    let port = std::sync::Mutex::new(0u16);
    let result = std::panic::catch_unwind(|| {
        let emulator = Emulator::start();
        *port.lock().unwrap_or_else(|e| e.into_inner()) = emulator.port();
        panic!("a failing test");
    });
    assert!(result.is_err());
    let port = *port.lock().unwrap_or_else(|e| e.into_inner());
    assert_ne!(port, 0);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}
