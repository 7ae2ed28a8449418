import AndOpenFFI
import Foundation

/// The campaign list, page by page, as an `AsyncSequence`: each iteration walks the list from the start,
/// fetching the next page only when the previous one has been consumed. A failed page is thrown from
/// `next()`; the iteration then ends. Get one from ``AndOpenClient/campaignPages(_:)``.
public struct CampaignPageSequence: AsyncSequence, Sendable {
    public typealias Element = CampaignPage

    let client: AndOpenClient
    let params: ListCampaignsParams

    public func makeAsyncIterator() -> AsyncIterator {
        // The parameters were checked when the sequence was made: a refusal here is not expected, and is
        // thrown by the first `next()` if it comes.
        do {
            return AsyncIterator(client: client, state: .walking(try core { try client.native.listCampaigns(params: params) }))
        } catch {
            return AsyncIterator(client: client, state: .refused(error))
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        enum State {
            case walking(CampaignPages)
            case refused(AndOpenError)
            case ended
        }

        let client: AndOpenClient
        var state: State

        /// The next page; `nil` once the list is finished or a page has failed.
        public mutating func next() async throws -> CampaignPage? {
            switch state {
            case .ended:
                return nil
            case .refused(let error):
                state = .ended
                throw error
            case .walking(let pages):
                do {
                    guard let page = try await client.settle(pages) else {
                        state = .ended
                        return nil
                    }
                    return page
                } catch {
                    state = .ended
                    throw error
                }
            }
        }
    }
}

/// Every campaign, newest first, as an `AsyncSequence` that fetches pages as it goes. Get one from
/// ``AndOpenClient/campaigns(_:)``.
public struct CampaignSequence: AsyncSequence, Sendable {
    public typealias Element = Campaign

    let pages: CampaignPageSequence

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: pages.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: CampaignPageSequence.AsyncIterator
        var page: ArraySlice<Campaign> = []

        /// The next campaign; `nil` once the list is finished.
        public mutating func next() async throws -> Campaign? {
            while page.isEmpty {
                guard let next = try await pages.next() else { return nil }
                page = next.data[...]
            }
            return page.popFirst()
        }
    }
}
